package io.wagw.store.tenant;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Tenant records: create, look up, change status. */
public final class Tenants {
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

    public Tenant get(String slug) {
        Validation.slug(slug);
        return jdbi.onDemand(TenantDao.class).find(slug).orElseThrow(() -> unknown(slug));
    }

    public List<Tenant> list() {
        return jdbi.onDemand(TenantDao.class).list();
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
