package io.wagw.store.assistant;

import io.wagw.store.Json;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Each tenant's assistant settings as a JSON document with a version; the assistant module validates them. */
public final class AssistantSettings {
    /**
     * @param version grows by one on each save
     */
    public record Stored(Map<String, Object> settings, long version, Instant updatedAt) {}

    private final Jdbi jdbi;

    public AssistantSettings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The tenant's saved settings; empty when it never saved any. Unknown tenants are {@code NotFound}. */
    public Optional<Stored> get(String tenant) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> {
            long id = Tenant.id(h, tenant);
            return h.createQuery(
                            "SELECT settings::text, version, updated_at FROM tenant_settings WHERE tenant_id = :id")
                    .bind("id", id)
                    .map((rs, ctx) -> new Stored(
                            Json.toMap(rs.getString(1)),
                            rs.getLong(2),
                            rs.getTimestamp(3).toInstant()))
                    .findOne();
        });
    }

    /** Saves the tenant's settings (already validated) and returns them with their new version. */
    public Stored put(String tenant, Map<String, ?> settings) {
        Validation.slug(tenant);
        String json = Json.fromMap("settings", settings);
        return jdbi.inTransaction(h -> {
            long id = Tenant.id(h, tenant);
            return h.createQuery("""
                            INSERT INTO tenant_settings (tenant_id, settings) VALUES (:id, CAST(:json AS jsonb))
                            ON CONFLICT (tenant_id) DO UPDATE
                               SET settings = EXCLUDED.settings, version = tenant_settings.version + 1,
                                   updated_at = clock_timestamp()
                            RETURNING settings::text, version, updated_at
                            """)
                    .bind("id", id)
                    .bind("json", json)
                    .map((rs, ctx) -> new Stored(
                            Json.toMap(rs.getString(1)),
                            rs.getLong(2),
                            rs.getTimestamp(3).toInstant()))
                    .one();
        });
    }

    static StoreException.NotFound unknownTenant(String slug) {
        return new StoreException.NotFound("tenant", "unknown tenant '%s'".formatted(slug));
    }
}
