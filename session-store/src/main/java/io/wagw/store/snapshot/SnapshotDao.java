package io.wagw.store.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(SnapshotDao.Row.class)
@RegisterConstructorMapper(SnapshotInfo.class)
interface SnapshotDao {

    record Row(long id, long epoch, byte[] ciphertext, byte[] nonce, String keyId, int size, Instant createdAt) {}

    @SqlQuery("""
            INSERT INTO auth_snapshots (session_id, epoch, ciphertext, nonce, key_id, size)
            VALUES (:sessionId, :epoch, :ciphertext, :nonce, :keyId, :size)
            RETURNING id, :session AS session, epoch, key_id, size, created_at
            """)
    SnapshotInfo insert(
            @Bind("sessionId") long sessionId,
            @Bind("session") String session,
            @Bind("epoch") long epoch,
            @Bind("ciphertext") byte[] ciphertext,
            @Bind("nonce") byte[] nonce,
            @Bind("keyId") String keyId,
            @Bind("size") int size);

    @SqlUpdate("""
            DELETE FROM auth_snapshots
             WHERE session_id = :sessionId
               AND id NOT IN (SELECT id FROM auth_snapshots WHERE session_id = :sessionId ORDER BY id DESC LIMIT :keep)
            """)
    int prune(@Bind("sessionId") long sessionId, @Bind("keep") int keep);

    @SqlQuery("""
            SELECT a.id, a.epoch, a.ciphertext, a.nonce, a.key_id, a.size, a.created_at
              FROM auth_snapshots a JOIN sessions s ON s.id = a.session_id
             WHERE s.name = :session
             ORDER BY a.id DESC LIMIT 1
            """)
    Optional<Row> latest(@Bind("session") String session);

    @SqlQuery("""
            SELECT a.id, s.name AS session, a.epoch, a.key_id, a.size, a.created_at
              FROM auth_snapshots a JOIN sessions s ON s.id = a.session_id
             WHERE s.name = :session
             ORDER BY a.id DESC
            """)
    List<SnapshotInfo> list(@Bind("session") String session);

    @SqlQuery("SELECT id FROM sessions WHERE name = :session")
    Optional<Long> sessionId(@Bind("session") String session);
}
