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
}
