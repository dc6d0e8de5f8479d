package io.wagw.store.assistant;

import org.jdbi.v3.core.Handle;

/** The row id of a tenant named by its slug, inside a statement's handle. */
final class Tenant {
    private Tenant() {}

    static long id(Handle h, String slug) {
        return h.createQuery("SELECT id FROM tenants WHERE slug = :slug")
                .bind("slug", slug)
                .mapTo(Long.class)
                .findOne()
                .orElseThrow(() -> AssistantSettings.unknownTenant(slug));
    }

    /**
     * Like {@link #id}, and locks the tenant's row until the transaction ends, so that changes to the tenant's
     * own records (e.g. its prompt versions) happen one after the other. {@code FOR NO KEY UPDATE} does not
     * hold up rows that merely refer to the tenant (sessions, messages).
     */
    static long lock(Handle h, String slug) {
        return h.createQuery("SELECT id FROM tenants WHERE slug = :slug FOR NO KEY UPDATE")
                .bind("slug", slug)
                .mapTo(Long.class)
                .findOne()
                .orElseThrow(() -> AssistantSettings.unknownTenant(slug));
    }
}
