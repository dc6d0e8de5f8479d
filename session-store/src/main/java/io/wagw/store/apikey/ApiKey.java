package io.wagw.store.apikey;

import java.time.Instant;

/**
 * An API key as stored: only its SHA-256 hash and a short prefix for recognising it are kept.
 *
 * @param session the session it is limited to, or {@code null} for an admin key
 */
public record ApiKey(long id, String prefix, Scope scope, String session, Instant createdAt, Instant revokedAt) {

    public enum Scope {
        admin,
        session
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
