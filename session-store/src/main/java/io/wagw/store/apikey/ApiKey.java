package io.wagw.store.apikey;

import io.wagw.store.WireValue;
import java.time.Instant;

/**
 * An API key as stored: only its SHA-256 hash and a short prefix for recognising it are kept.
 *
 * @param session the session it is limited to, or {@code null}
 * @param tenant  the tenant (slug) it is limited to, or {@code null}
 */
public record ApiKey(
        long id, String prefix, Scope scope, String session, String tenant, Instant createdAt, Instant revokedAt) {

    /** Stored and shown as {@link #value()}: {@code admin}, {@code session} or {@code tenant}. */
    public enum Scope implements WireValue {
        ADMIN("admin"),
        SESSION("session"),
        TENANT("tenant");

        private final String value;

        Scope(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }

        /** @throws IllegalArgumentException when {@code value} names no scope */
        public static Scope fromValue(String value) {
            return WireValue.fromValue(Scope.class, value);
        }

        @Override
        public String toString() {
            return value;
        }
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
