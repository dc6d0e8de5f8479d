package io.wagw.store;

/**
 * Every failure the session store reports on purpose. Each subtype names what went wrong and, where
 * it applies, the input field at fault, so that the HTTP layer can map it to a 4xx without guessing.
 */
public abstract sealed class StoreException extends RuntimeException
        permits StoreException.NotFound,
                StoreException.Duplicate,
                StoreException.InvalidInput,
                StoreException.StaleEpoch,
                StoreException.SnapshotIntegrity,
                StoreException.UnknownMasterKey,
                StoreException.InvalidState {

    private final String field;

    protected StoreException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The input field the error is about, or {@code null} when it is not about one field. */
    public String field() {
        return field;
    }

    /** A stable machine-readable code, e.g. {@code not_found}. */
    public abstract String code();

    /** A tenant, session or other record named by the caller does not exist. */
    public static final class NotFound extends StoreException {
        public NotFound(String field, String message) {
            super(field, message, null);
        }

        @Override
        public String code() {
            return "not_found";
        }
    }

    /** A unique name is already taken. */
    public static final class Duplicate extends StoreException {
        public Duplicate(String field, String message) {
            super(field, message, null);
        }

        @Override
        public String code() {
            return "duplicate";
        }
    }

    /** A value does not have the accepted shape or range. */
    public static final class InvalidInput extends StoreException {
        public InvalidInput(String field, String message) {
            super(field, message, null);
        }

        @Override
        public String code() {
            return "invalid_input";
        }
    }

    /** The operation is not allowed in the record's current state (e.g. a session of a deleted tenant). */
    public static final class InvalidState extends StoreException {
        public InvalidState(String field, String message) {
            super(field, message, null);
        }

        @Override
        public String code() {
            return "invalid_state";
        }
    }

    /**
     * A fenced write came from a caller that does not hold the session's current lease: the epoch moved
     * on, the lease expired or was released, or it was never held. Nothing was written.
     */
    public static final class StaleEpoch extends StoreException {
        private final String session;
        private final long callerEpoch;
        private final long currentEpoch;

        public StaleEpoch(String session, long callerEpoch, long currentEpoch, String reason) {
            super(
                    "epoch",
                    "stale lease for session '%s': caller holds epoch %d, %s; nothing was written"
                            .formatted(session, callerEpoch, reason),
                    null);
            this.session = session;
            this.callerEpoch = callerEpoch;
            this.currentEpoch = currentEpoch;
        }

        public String session() {
            return session;
        }

        public long callerEpoch() {
            return callerEpoch;
        }

        /** The epoch the store holds now (0 when the session was never leased). */
        public long currentEpoch() {
            return currentEpoch;
        }

        @Override
        public String code() {
            return "stale_epoch";
        }
    }

    /** A stored snapshot failed authentication: its ciphertext, nonce or binding was altered. */
    public static final class SnapshotIntegrity extends StoreException {
        public SnapshotIntegrity(String message, Throwable cause) {
            super(null, message, cause);
        }

        @Override
        public String code() {
            return "snapshot_tampered";
        }
    }

    /** A snapshot was encrypted with a master key this node does not have (wrong or missing key file). */
    public static final class UnknownMasterKey extends StoreException {
        public UnknownMasterKey(String message) {
            super("GW_MASTER_KEY_FILE", message, null);
        }

        @Override
        public String code() {
            return "unknown_master_key";
        }
    }
}
