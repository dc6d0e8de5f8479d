package io.wagw.store.tenant;

import io.wagw.store.Json;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.assistant.Knowledge;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Tenant records: create, look up, change status. */
public final class Tenants {
    /** Knowledge to store with a new tenant: its format, source text and chunks. */
    public record KnowledgeUpload(String format, String text, List<Knowledge.Chunk> chunks) {}

    private final Jdbi jdbi;

    public Tenants(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates a tenant in status {@code onboarding}. */
    public Tenant create(String slug, String displayName, String plan) {
        Validation.slug(slug);
        String name = Validation.displayName(displayName);
        Validation.plan(plan);
        return jdbi.onDemand(TenantDao.class)
                .insert(slug, name, plan)
                .orElseThrow(() -> new StoreException.Duplicate("slug", "tenant '%s' already exists".formatted(slug)));
    }

    /**
     * Onboards a tenant in one transaction: the tenant in the given status and, when given, its assistant
     * settings (already validated) and its knowledge; nothing is written when any part fails.
     */
    public Tenant onboard(
            String slug,
            String displayName,
            String plan,
            TenantStatus status,
            Map<String, ?> assistantSettings,
            KnowledgeUpload knowledge) {
        Validation.slug(slug);
        String name = Validation.displayName(displayName);
        Validation.plan(plan);
        String settings = assistantSettings == null ? null : Json.fromMap("settings", assistantSettings);
        if (knowledge != null) {
            Knowledge.check(knowledge.format(), knowledge.text(), knowledge.chunks());
        }
        return jdbi.inTransaction(h -> {
            var dao = h.attach(TenantDao.class);
            Tenant t = dao.insert(slug, name, plan)
                    .orElseThrow(
                            () -> new StoreException.Duplicate("slug", "tenant '%s' already exists".formatted(slug)));
            if (status != null && status != t.status()) {
                t = dao.setStatus(slug, status).orElseThrow();
            }
            if (settings != null) {
                h.createUpdate("""
                                INSERT INTO tenant_settings (tenant_id, settings)
                                SELECT id, CAST(:json AS jsonb) FROM tenants WHERE slug = :slug
                                """).bind("json", settings).bind("slug", slug).execute();
            }
            if (knowledge != null) {
                Knowledge.insert(h, t.id(), knowledge.format(), knowledge.text(), knowledge.chunks());
            }
            return t;
        });
    }

    public Tenant get(String slug) {
        Validation.slug(slug);
        return jdbi.onDemand(TenantDao.class).find(slug).orElseThrow(() -> unknown(slug));
    }

    public List<Tenant> list() {
        return jdbi.onDemand(TenantDao.class).list();
    }

    /**
     * The status of each of these tenants, in one query (a node checks those of its running sessions every 10 s);
     * a slug that names no tenant is missing from the result.
     */
    public Map<String, TenantStatus> statuses(Collection<String> slugs) {
        slugs.forEach(Validation::slug);
        if (slugs.isEmpty()) {
            return Map.of();
        }
        return jdbi.onDemand(TenantDao.class).findAll(slugs.stream().distinct().toArray(String[]::new)).stream()
                .collect(Collectors.toMap(Tenant::slug, Tenant::status));
    }

    public Tenant setStatus(String slug, TenantStatus status) {
        Validation.slug(slug);
        if (status == null) {
            throw new StoreException.InvalidInput(
                    "status", "status is required (onboarding, active, suspended, deleted)");
        }
        return jdbi.onDemand(TenantDao.class).setStatus(slug, status).orElseThrow(() -> unknown(slug));
    }

    static StoreException.NotFound unknown(String slug) {
        return new StoreException.NotFound("tenant", "unknown tenant '%s'".formatted(slug));
    }
}
