package io.wagw.store.snapshot;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.lease.Leases;
import io.wagw.store.lease.SessionLease;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Encrypted auth snapshots. Saving is fenced by the session's lease; the newest few are kept. */
public final class AuthSnapshots {
    /** Snapshots kept per session: the newest plus a couple to fall back on. */
    static final int KEEP = 3;
    /** Upper bound for one snapshot's plaintext; a WhatsApp Web storage state is a few MB at most. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    private final Jdbi jdbi;
    private final SnapshotCipher cipher;

    public AuthSnapshots(Jdbi jdbi, SnapshotCipher cipher) {
        this.jdbi = jdbi;
        this.cipher = cipher;
    }

    /**
     * Encrypts and stores a snapshot, only while {@code lease} is the session's current live lease.
     *
     * @throws StoreException.StaleEpoch when the caller no longer holds the lease (nothing is written)
     */
    public SnapshotInfo save(SessionLease lease, byte[] state) {
        if (state == null || state.length == 0) {
            throw new StoreException.InvalidInput("state", "a snapshot must not be empty");
        }
        if (state.length > MAX_BYTES) {
            throw new StoreException.InvalidInput(
                    "state", "a snapshot must be at most %d bytes (got %d)".formatted(MAX_BYTES, state.length));
        }
        // Encrypt outside the transaction: the row lock on the lease is held only for the insert.
        var sealed = cipher.seal(lease.session(), lease.epoch(), state);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            var dao = h.attach(SnapshotDao.class);
            var info = dao.insert(
                    sessionId,
                    lease.session(),
                    lease.epoch(),
                    sealed.ciphertext(),
                    sealed.nonce(),
                    sealed.keyId(),
                    state.length);
            dao.prune(sessionId, KEEP);
            return info;
        });
    }

    /**
     * Deletes every snapshot of the session (after WhatsApp logged the device out they can never log in
     * again); fenced by the lease.
     *
     * @return how many were deleted
     */
    public int discard(SessionLease lease) {
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(SnapshotDao.class).prune(sessionId, 0);
        });
    }

    /** The newest snapshot, decrypted; fails loudly when it was tampered with or the key is wrong. */
    public Optional<AuthSnapshot> latest(String session) {
        Validation.sessionName(session);
        var dao = jdbi.onDemand(SnapshotDao.class);
        var row = dao.latest(session);
        if (row.isEmpty()) {
            dao.sessionId(session)
                    .orElseThrow(
                            () -> new StoreException.NotFound("session", "unknown session '%s'".formatted(session)));
            return Optional.empty();
        }
        var r = row.get();
        byte[] state = cipher.open(session, r.epoch(), new SnapshotCipher.Sealed(r.ciphertext(), r.nonce(), r.keyId()));
        return Optional.of(new AuthSnapshot(session, r.epoch(), state, r.createdAt()));
    }

    /** Metadata of the stored snapshots, newest first. */
    public List<SnapshotInfo> list(String session) {
        Validation.sessionName(session);
        return jdbi.withExtension(SnapshotDao.class, dao -> dao.list(session));
    }
}
