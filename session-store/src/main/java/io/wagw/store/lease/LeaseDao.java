package io.wagw.store.lease;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

@RegisterConstructorMapper(SessionLease.class)
@RegisterConstructorMapper(LeaseDao.FenceRow.class)
interface LeaseDao {

    /** What a fenced write sees of the lease, read under a share lock so no takeover can interleave. */
    record FenceRow(String ownerNode, long epoch, boolean live, Instant expiresAt) {}

    // The conditional upsert is atomic: a concurrent acquirer waits for the row lock and re-checks the
    // WHERE against the winner's version, so only one of them gets a row back. Times are taken after
    // the lock wait (clock_timestamp(), not excluded.*), so acquired_at is never before a fenced write
    // that committed first.
    @SqlQuery("""
            INSERT INTO session_leases AS l (session_id, owner_node, last_owner, epoch, acquired_at, expires_at)
            SELECT s.id, :node, :node, 1, clock_timestamp(), clock_timestamp() + CAST(:ttlMs AS double precision) * interval '1 millisecond'
            FROM sessions s WHERE s.name = :session
            ON CONFLICT (session_id) DO UPDATE
               SET owner_node = excluded.owner_node, last_owner = excluded.owner_node, epoch = l.epoch + 1,
                   acquired_at = clock_timestamp(),
                   expires_at = clock_timestamp() + CAST(:ttlMs AS double precision) * interval '1 millisecond'
             WHERE l.owner_node IS NULL OR l.expires_at <= clock_timestamp()
            RETURNING :session AS session, owner_node, epoch, acquired_at, expires_at
            """)
    Optional<SessionLease> acquire(
            @Bind("session") String session, @Bind("node") String node, @Bind("ttlMs") long ttlMs);

    @SqlQuery("""
            UPDATE session_leases l
               SET expires_at = clock_timestamp() + CAST(:ttlMs AS double precision) * interval '1 millisecond'
              FROM sessions s, unnest(:sessions, :epochs) AS held(session, epoch)
             WHERE l.session_id = s.id AND s.name = held.session AND l.epoch = held.epoch AND l.owner_node = :node
               AND l.expires_at > clock_timestamp()
            RETURNING s.name AS session, l.owner_node, l.epoch, l.acquired_at, l.expires_at
            """)
    List<SessionLease> renewAll(
            @Bind("node") String node,
            @Bind("sessions") String[] sessions,
            @Bind("epochs") Long[] epochs,
            @Bind("ttlMs") long ttlMs);

    @SqlQuery("""
            UPDATE session_leases l
               SET owner_node = NULL, expires_at = clock_timestamp()
              FROM sessions s
             WHERE l.session_id = s.id AND s.name = :session AND l.owner_node = :node AND l.epoch = :epoch
               AND l.expires_at > clock_timestamp()
            RETURNING l.expires_at
            """)
    Optional<Instant> release(@Bind("session") String session, @Bind("node") String node, @Bind("epoch") long epoch);

    @SqlQuery("""
            SELECT s.name AS session, l.owner_node, l.epoch, l.acquired_at, l.expires_at
              FROM session_leases l JOIN sessions s ON s.id = l.session_id
             WHERE s.name = :session AND l.owner_node IS NOT NULL AND l.expires_at > clock_timestamp()
            """)
    Optional<SessionLease> live(@Bind("session") String session);

    @SqlQuery("""
            SELECT s.name AS session, l.owner_node, l.epoch, l.acquired_at, l.expires_at
              FROM session_leases l JOIN sessions s ON s.id = l.session_id
             WHERE l.owner_node = :node AND l.expires_at > clock_timestamp()
             ORDER BY s.name
            """)
    List<SessionLease> liveHeldBy(@Bind("node") String node);

    @SqlQuery("""
            SELECT s.name AS session, l.owner_node, l.epoch, l.acquired_at, l.expires_at
              FROM session_leases l JOIN sessions s ON s.id = l.session_id
             WHERE l.owner_node IS NOT NULL AND l.expires_at > clock_timestamp()
            """)
    List<SessionLease> allLive();

    @SqlQuery("""
            SELECT owner_node, epoch, owner_node IS NOT NULL AND expires_at > clock_timestamp() AS live, expires_at
              FROM session_leases WHERE session_id = :sessionId
               FOR SHARE
            """)
    Optional<FenceRow> lockForWrite(@Bind("sessionId") long sessionId);

    @SqlQuery("SELECT id FROM sessions WHERE name = :session")
    Optional<Long> sessionId(@Bind("session") String session);
}
