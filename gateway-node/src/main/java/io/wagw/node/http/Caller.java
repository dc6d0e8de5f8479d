package io.wagw.node.http;

/**
 * Who made a request: an admin (sees everything), a key limited to one tenant (its sessions, settings,
 * customers and escalations), or a key limited to one session.
 *
 * @param session the only session this caller may touch, or null
 * @param tenant  the only tenant this caller may touch, or null
 */
public record Caller(boolean admin, String session, String tenant) {
    public static final Caller ADMIN = new Caller(true, null, null);

    public static Caller forSession(String session) {
        return new Caller(false, session, null);
    }

    public static Caller forTenant(String tenant) {
        return new Caller(false, null, tenant);
    }

    private String limitedTo() {
        return session != null ? "session '%s'".formatted(session) : "tenant '%s'".formatted(tenant);
    }

    public void requireAdmin() {
        if (!admin) {
            throw ApiError.forbidden("this API key is limited to %s; an admin key is required".formatted(limitedTo()));
        }
    }

    /**
     * @param sessionTenant the tenant the session belongs to (only looked at for a tenant's key)
     */
    public void requireSession(String name, String sessionTenant) {
        if (!sees(name, sessionTenant)) {
            throw ApiError.forbidden("this API key is limited to %s".formatted(limitedTo()));
        }
    }

    /** A tenant's own resources: the admin and that tenant's key. */
    public void requireTenant(String slug) {
        if (!admin && !slug.equals(tenant)) {
            throw ApiError.forbidden("this API key is limited to %s".formatted(limitedTo()));
        }
    }

    public boolean sees(String name, String sessionTenant) {
        return admin || name.equals(session) || (tenant != null && tenant.equals(sessionTenant));
    }
}
