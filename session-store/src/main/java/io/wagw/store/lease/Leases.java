package io.wagw.store.lease;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The lease protocol. A node may run a session only while it holds the session's lease:
 * {@link #acquire} succeeds only when the lease is free or expired and bumps the epoch;
 * {@link #renew} extends it while it is still held; {@link #release} gives it up. All times come
 * from PostgreSQL's clock, so nodes with skewed clocks still agree.
 */
public final class Leases {
    static final Duration MIN_TTL = Duration.ofMillis(100);
    static final Duration MAX_TTL = Duration.ofMinutes(10);

    private final Jdbi jdbi;
    /** Renewals only: connections no other statement of the node may hold ({@code Postgres.leaseDataSource}). */
    private final Jdbi renewals;

    public Leases(Jdbi jdbi, Jdbi renewals) {
        this.jdbi = jdbi;
        this.renewals = renewals;
    }

    /** Takes the lease for {@code node}; empty while another node holds a live lease. */
    public Optional<SessionLease> acquire(String session, String node, Duration ttl) {
        return acquireTimed(session, node, ttl).map(Acquired::lease);
    }

    /**
     * A lease taken, with when ({@link System#nanoTime()}) its statement was about to be sent, on a connection
     * already in hand: the database set its expiry after that, so it holds at least a TTL from then.
     */
    public record Acquired(SessionLease lease, long sentAtNanos) {}

    /**
     * {@link #acquire}, timed for a holder that must know how long the lease surely holds: a time taken before
     * the call would count the wait for a pooled connection too (seconds, in a burst of starts).
     */
    public Optional<Acquired> acquireTimed(String session, String node, Duration ttl) {
        Validation.sessionName(session);
        Validation.nodeId(node);
        long ttlMs = ttlMillis(ttl);
        return jdbi.inTransaction(h -> {
            long sentAt = System.nanoTime();
            var dao = h.attach(LeaseDao.class);
            requireSession(dao, session);
            return dao.acquire(session, node, ttlMs).map(l -> new Acquired(l, sentAt));
        });
    }

    /** Extends a held lease; {@link StoreException.StaleEpoch} when it expired, was released or taken over. */
    public SessionLease renew(SessionLease lease, Duration ttl) {
        long ttlMs = ttlMillis(ttl);
        return renewals.inTransaction(h -> {
            var dao = h.attach(LeaseDao.class);
            return dao
                    .renewAll(lease.ownerNode(), new String[] {lease.session()}, new Long[] {lease.epoch()}, ttlMs)
                    .stream()
                    .findFirst()
                    .orElseThrow(() -> stale(dao, lease));
        });
    }

    /**
     * Extends many leases of one node in one statement: what a node does every renewal round for all of its
     * sessions, instead of a statement per session.
     *
     * @return the renewed leases by session; a lease missing from the result expired, was released or was
     *         taken over ({@link #renew} says which)
     * @throws StoreException.InvalidInput when the leases are not all held by {@code node}
     */
    public Map<String, SessionLease> renewAll(String node, List<SessionLease> leases, Duration ttl) {
        Validation.nodeId(node);
        long ttlMs = ttlMillis(ttl);
        if (leases.stream().anyMatch(l -> !node.equals(l.ownerNode()))) {
            throw new StoreException.InvalidInput("leases", "every lease must be held by node '%s'".formatted(node));
        }
        if (leases.isEmpty()) {
            return Map.of();
        }
        String[] sessions = leases.stream().map(SessionLease::session).toArray(String[]::new);
        Long[] epochs = leases.stream().map(SessionLease::epoch).toArray(Long[]::new);
        return renewals.withExtension(LeaseDao.class, dao -> dao.renewAll(node, sessions, epochs, ttlMs)).stream()
                .collect(Collectors.toMap(SessionLease::session, l -> l));
    }

    /** Gives the lease up; returns when it ended, or empty when the caller no longer held it. */
    public Optional<Instant> release(SessionLease lease) {
        return jdbi.withExtension(
                LeaseDao.class, dao -> dao.release(lease.session(), lease.ownerNode(), lease.epoch()));
    }

    /** The live lease of a session, if some node holds one. */
    public Optional<SessionLease> current(String session) {
        Validation.sessionName(session);
        return jdbi.withExtension(LeaseDao.class, dao -> dao.live(session));
    }

    /** Every live lease, by session: one query for a listing that shows each session's owner. */
    public Map<String, SessionLease> allLive() {
        return jdbi.withExtension(LeaseDao.class, LeaseDao::allLive).stream()
                .collect(Collectors.toMap(SessionLease::session, l -> l));
    }

    /** Every live lease held by a node. */
    public List<SessionLease> heldBy(String node) {
        Validation.nodeId(node);
        return jdbi.withExtension(LeaseDao.class, dao -> dao.liveHeldBy(node));
    }

    /**
     * Inside a write transaction: locks the session's lease row and checks that {@code lease} is the
     * current, live one, so that a takeover cannot commit between this check and the caller's write.
     *
     * @return the session's row id, for the write that follows
     * @throws StoreException.StaleEpoch when the caller does not hold the current lease
     */
    public static long fence(Handle handle, SessionLease lease) {
        var dao = handle.attach(LeaseDao.class);
        long sessionId = requireSession(dao, lease.session());
        var row = dao.lockForWrite(sessionId)
                .orElseThrow(() -> new StoreException.StaleEpoch(
                        lease.session(), lease.epoch(), 0, "but the session was never leased"));
        if (row.epoch() != lease.epoch()) {
            throw new StoreException.StaleEpoch(
                    lease.session(), lease.epoch(), row.epoch(), "but the current epoch is %d".formatted(row.epoch()));
        }
        if (!row.live()) {
            throw new StoreException.StaleEpoch(
                    lease.session(),
                    lease.epoch(),
                    row.epoch(),
                    row.ownerNode() == null
                            ? "but the lease was released"
                            : "but the lease expired at " + row.expiresAt());
        }
        if (!row.ownerNode().equals(lease.ownerNode())) {
            throw new StoreException.StaleEpoch(
                    lease.session(), lease.epoch(), row.epoch(), "but it is held by another node");
        }
        return sessionId;
    }

    private static long requireSession(LeaseDao dao, String session) {
        return dao.sessionId(session)
                .orElseThrow(() -> new StoreException.NotFound("session", "unknown session '%s'".formatted(session)));
    }

    private static StoreException stale(LeaseDao dao, SessionLease lease) {
        long sessionId = requireSession(dao, lease.session());
        var row = dao.lockForWrite(sessionId);
        long current = row.map(LeaseDao.FenceRow::epoch).orElse(0L);
        String reason = row.isEmpty()
                ? "but the session was never leased"
                : current != lease.epoch()
                        ? "but the current epoch is " + current
                        : row.get().ownerNode() == null
                                ? "but the lease was released"
                                : "but the lease expired at " + row.get().expiresAt();
        return new StoreException.StaleEpoch(lease.session(), lease.epoch(), current, reason);
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new StoreException.InvalidInput(
                    "ttl",
                    "lease ttl must be between %d ms and %d ms".formatted(MIN_TTL.toMillis(), MAX_TTL.toMillis()));
        }
        return ttl.toMillis();
    }
}
