package io.wagw.store.assistant;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Each tenant's assistant prompt in versions: a system prompt, a model and a temperature, numbered from 1 per
 * tenant and never changed once created. Exactly one version is active once the tenant has any; each
 * activation is kept with its period, so that the list shows when each version was in use. Every change
 * locks the tenant's row, so racing activations still leave exactly one active (the partial unique index
 * on open activations guards the same rule in the schema).
 */
public final class Prompts {
    public static final int MAX_SYSTEM_PROMPT_LENGTH = 20_000;
    public static final int MAX_MODEL_LENGTH = 100;
    public static final double MAX_TEMPERATURE = 2.0;

    /** A period a version was active: {@code to} is null while it still is. */
    public record Period(Instant from, Instant to) {}

    /**
     * @param periods when the version was active, oldest first
     */
    public record PromptVersion(
            int version,
            String systemPrompt,
            String model,
            double temperature,
            Instant createdAt,
            boolean active,
            List<Period> periods) {}

    private record Row(long id, int version, String systemPrompt, String model, double temperature, Instant at) {}

    private final Jdbi jdbi;

    public Prompts(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Creates the tenant's next version. The tenant's first version becomes active at once; later ones wait
     * for {@link #activate}.
     */
    public PromptVersion create(String tenant, String systemPrompt, String model, double temperature) {
        Validation.slug(tenant);
        String prompt = systemPrompt(systemPrompt);
        String m = model(model);
        temperature(temperature);
        int version = jdbi.inTransaction(h -> {
            long t = Tenant.lock(h, tenant);
            int next = h.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM prompt_versions WHERE tenant_id = :t")
                    .bind("t", t)
                    .mapTo(Integer.class)
                    .one();
            long id = h.createQuery("""
                            INSERT INTO prompt_versions (tenant_id, version, system_prompt, model, temperature)
                            VALUES (:t, :version, :prompt, :model, :temperature)
                            RETURNING id
                            """)
                    .bind("t", t)
                    .bind("version", next)
                    .bind("prompt", prompt)
                    .bind("model", m)
                    .bind("temperature", BigDecimal.valueOf(temperature))
                    .mapTo(Long.class)
                    .one();
            if (openActivation(h, t).isEmpty()) {
                h.createUpdate("""
                                INSERT INTO prompt_activations (tenant_id, prompt_version_id, activated_at)
                                VALUES (:t, :v, clock_timestamp())
                                """).bind("t", t).bind("v", id).execute();
            }
            return next;
        });
        return get(tenant, version);
    }

    /** The tenant's versions, newest first, each with the periods it was active. */
    public List<PromptVersion> list(String tenant) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> {
            long t = Tenant.id(h, tenant);
            List<Row> rows = h.createQuery("""
                            SELECT id, version, system_prompt, model, temperature, created_at
                              FROM prompt_versions WHERE tenant_id = :t ORDER BY version DESC
                            """)
                    .bind("t", t)
                    .map((rs, ctx) -> new Row(
                            rs.getLong(1),
                            rs.getInt(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getBigDecimal(5).doubleValue(),
                            Turns.instant(rs, 6)))
                    .list();
            Map<Long, List<Period>> periods = new HashMap<>();
            h.createQuery("""
                            SELECT prompt_version_id, activated_at, deactivated_at
                              FROM prompt_activations WHERE tenant_id = :t ORDER BY id
                            """)
                    .bind("t", t)
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), new Period(Turns.instant(rs, 2), Turns.instant(rs, 3))))
                    .forEach(e -> periods.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(e.getValue()));
            return rows.stream()
                    .map(r -> {
                        List<Period> p = List.copyOf(periods.getOrDefault(r.id(), List.of()));
                        boolean active = p.stream().anyMatch(x -> x.to() == null);
                        return new PromptVersion(
                                r.version(), r.systemPrompt(), r.model(), r.temperature(), r.at(), active, p);
                    })
                    .toList();
        });
    }

    /** The tenant's active version; empty while it has none. Unknown tenants are {@code NotFound}. */
    public Optional<PromptVersion> active(String tenant) {
        return list(tenant).stream().filter(PromptVersion::active).findFirst();
    }

    /**
     * Makes {@code version} the tenant's active one: closes the current activation and opens a new one in
     * one transaction. Activating the active version changes nothing.
     */
    public PromptVersion activate(String tenant, int version) {
        Validation.slug(tenant);
        jdbi.useTransaction(h -> {
            long t = Tenant.lock(h, tenant);
            long id = h.createQuery("SELECT id FROM prompt_versions WHERE tenant_id = :t AND version = :version")
                    .bind("t", t)
                    .bind("version", version)
                    .mapTo(Long.class)
                    .findOne()
                    .orElseThrow(() -> new StoreException.NotFound(
                            "version", "tenant '%s' has no prompt version %d".formatted(tenant, version)));
            switchTo(h, t, id);
        });
        return get(tenant, version);
    }

    /**
     * Activates the version that was active just before the current one. {@code InvalidState} (field
     * {@code version}) when there is none: no version is active, or the active one is the only one ever active.
     */
    public PromptVersion rollback(String tenant) {
        Validation.slug(tenant);
        int version = jdbi.inTransaction(h -> {
            long t = Tenant.lock(h, tenant);
            long[] current = openActivation(h, t)
                    .orElseThrow(() -> new StoreException.InvalidState(
                            "version", "tenant '%s' has no active prompt version to roll back".formatted(tenant)));
            var previous = h.createQuery("""
                            SELECT a.prompt_version_id, v.version
                              FROM prompt_activations a JOIN prompt_versions v ON v.id = a.prompt_version_id
                             WHERE a.tenant_id = :t AND a.id < :current
                             ORDER BY a.id DESC LIMIT 1
                            """)
                    .bind("t", t)
                    .bind("current", current[0])
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getInt(2)})
                    .findOne()
                    .orElseThrow(() -> new StoreException.InvalidState(
                            "version",
                            "tenant '%s' has no earlier active prompt version to roll back to".formatted(tenant)));
            switchTo(h, t, previous[0]);
            return (int) previous[1];
        });
        return get(tenant, version);
    }

    /** Closes the open activation and opens one for version row {@code id}, unless {@code id} is already active. */
    private static void switchTo(Handle h, long tenantId, long id) {
        var open = openActivation(h, tenantId);
        if (open.isPresent() && open.get()[1] == id) {
            return;
        }
        Timestamp now =
                h.createQuery("SELECT clock_timestamp()").mapTo(Timestamp.class).one();
        h.createUpdate("""
                        UPDATE prompt_activations SET deactivated_at = :now
                         WHERE tenant_id = :t AND deactivated_at IS NULL
                        """).bind("t", tenantId).bind("now", now).execute();
        h.createUpdate("""
                        INSERT INTO prompt_activations (tenant_id, prompt_version_id, activated_at)
                        VALUES (:t, :v, :now)
                        """).bind("t", tenantId).bind("v", id).bind("now", now).execute();
    }

    /** The open activation's id and version row id. */
    private static Optional<long[]> openActivation(Handle h, long tenantId) {
        return h.createQuery("""
                        SELECT id, prompt_version_id FROM prompt_activations
                         WHERE tenant_id = :t AND deactivated_at IS NULL
                        """)
                .bind("t", tenantId)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .findOne();
    }

    private PromptVersion get(String tenant, int version) {
        return list(tenant).stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow();
    }

    static String systemPrompt(String value) {
        if (value == null || value.isBlank()) {
            throw new StoreException.InvalidInput("systemPrompt", "systemPrompt is required");
        }
        if (value.length() > MAX_SYSTEM_PROMPT_LENGTH) {
            throw new StoreException.InvalidInput(
                    "systemPrompt",
                    "systemPrompt must be at most %d characters (got %d)"
                            .formatted(MAX_SYSTEM_PROMPT_LENGTH, value.length()));
        }
        return Validation.multiLine("systemPrompt", value);
    }

    static String model(String value) {
        if (value == null || value.isBlank()) {
            throw new StoreException.InvalidInput("model", "model is required");
        }
        if (value.length() > MAX_MODEL_LENGTH) {
            throw new StoreException.InvalidInput(
                    "model", "model must be at most %d characters".formatted(MAX_MODEL_LENGTH));
        }
        return Validation.singleLine("model", value);
    }

    static void temperature(double value) {
        if (!(value >= 0 && value <= MAX_TEMPERATURE)) {
            throw new StoreException.InvalidInput(
                    "temperature", "temperature must be between 0.0 and %.1f".formatted(MAX_TEMPERATURE));
        }
    }
}
