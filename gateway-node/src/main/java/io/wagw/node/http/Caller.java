package io.wagw.node.http;

/**
 * Who made a request: an admin (sees everything) or a key limited to one session.
 *
 * @param session the only session this caller may touch, or null for an admin
 */
public record Caller(boolean admin, String session) {
    public static final Caller ADMIN = new Caller(true, null);

    public static Caller forSession(String session) {
        return new Caller(false, session);
    }

    public void requireAdmin() {
        if (!admin) {
            throw ApiError.forbidden(
                    "this API key is limited to session '%s'; an admin key is required".formatted(session));
        }
    }

    public void requireSession(String name) {
        if (!admin && !session.equals(name)) {
            throw ApiError.forbidden("this API key is limited to session '%s'".formatted(session));
        }
    }

    public boolean sees(String name) {
        return admin || session.equals(name);
    }
}
