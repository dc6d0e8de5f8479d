package io.wagw.store.message;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(Message.class)
interface MessageDao {
    String RETURNING = """
            RETURNING id, :session AS session, chat_id, direction, wa_message_id, body, status, ack, epoch, error,
                      wa_timestamp, created_at, updated_at
            """;

    @SqlQuery("""
            INSERT INTO messages (session_id, chat_id, direction, body, status, ack, epoch, in_reply_to)
            VALUES (:sessionId, :chatId, 'out', :body, 'pending', 0, :epoch, :inReplyTo)
            """ + RETURNING)
    Message insertOutbound(
            @Bind("sessionId") long sessionId,
            @Bind("session") String session,
            @Bind("chatId") String chatId,
            @Bind("body") String body,
            @Bind("epoch") long epoch,
            @Bind("inReplyTo") String inReplyTo);

    @SqlQuery("""
            UPDATE messages SET status = 'sent', wa_message_id = :waId, ack = GREATEST(ack, :ack),
                   wa_timestamp = :waTimestamp, epoch = :epoch, updated_at = clock_timestamp()
             WHERE id = :id AND session_id = :sessionId AND direction = 'out'
            """ + RETURNING)
    Optional<Message> markSent(
            @Bind("sessionId") long sessionId,
            @Bind("session") String session,
            @Bind("id") long id,
            @Bind("waId") String waMessageId,
            @Bind("ack") int ack,
            @Bind("waTimestamp") Instant waTimestamp,
            @Bind("epoch") long epoch);

    @SqlQuery("""
            UPDATE messages SET status = 'failed', error = :error, ack = -1, epoch = :epoch, updated_at = clock_timestamp()
             WHERE id = :id AND session_id = :sessionId AND direction = 'out' AND status = 'pending'
            """ + RETURNING)
    Optional<Message> markFailed(
            @Bind("sessionId") long sessionId,
            @Bind("session") String session,
            @Bind("id") long id,
            @Bind("error") String error,
            @Bind("epoch") long epoch);

    // Acks only move forward (server → delivered → read → played); -1 (error) is final.
    @SqlQuery("""
            UPDATE messages SET ack = :ack, status = CASE WHEN :ack = -1 THEN 'failed' ELSE status END,
                   updated_at = clock_timestamp()
             WHERE session_id = :sessionId AND wa_message_id = :waId AND direction = 'out'
               AND ack <> -1 AND (:ack = -1 OR :ack > ack)
            """ + RETURNING)
    Optional<Message> updateAck(
            @Bind("sessionId") long sessionId,
            @Bind("session") String session,
            @Bind("waId") String waMessageId,
            @Bind("ack") int ack);

    @SqlQuery("""
            SELECT m.id, s.name AS session, m.chat_id, m.direction, m.wa_message_id, m.body, m.status, m.ack, m.epoch,
                   m.error, m.wa_timestamp, m.created_at, m.updated_at
              FROM messages m JOIN sessions s ON s.id = m.session_id
             WHERE s.name = :session AND m.chat_id = :chatId
             ORDER BY m.id DESC LIMIT :limit
            """)
    List<Message> recent(@Bind("session") String session, @Bind("chatId") String chatId, @Bind("limit") int limit);

    @SqlQuery("""
            SELECT m.id, s.name AS session, m.chat_id, m.direction, m.wa_message_id, m.body, m.status, m.ack, m.epoch,
                   m.error, m.wa_timestamp, m.created_at, m.updated_at
              FROM messages m JOIN sessions s ON s.id = m.session_id
             WHERE s.name = :session AND m.wa_message_id = :waId
            """)
    Optional<Message> byWaId(@Bind("session") String session, @Bind("waId") String waMessageId);

    @SqlUpdate("""
            UPDATE messages m SET handled_at = clock_timestamp()
              FROM sessions s
             WHERE s.id = m.session_id AND s.name = :session AND m.wa_message_id = :waId
               AND m.direction = 'in' AND m.handled_at IS NULL
            """)
    int markHandled(@Bind("session") String session, @Bind("waId") String waMessageId);

    @SqlQuery("""
            SELECT m.id, s.name AS session, m.chat_id, m.direction, m.wa_message_id, m.body, m.status, m.ack, m.epoch,
                   m.error, m.wa_timestamp, m.created_at, m.updated_at
              FROM messages m JOIN sessions s ON s.id = m.session_id
             WHERE s.name = :session AND m.direction = 'in' AND m.handled_at IS NULL
               AND coalesce(m.wa_timestamp, m.created_at) > clock_timestamp() - make_interval(secs => :withinSeconds)
             ORDER BY m.id
             LIMIT :limit
            """)
    List<Message> unhandledInbound(
            @Bind("session") String session, @Bind("withinSeconds") long withinSeconds, @Bind("limit") int limit);

    // the partial index messages_unhandled_idx holds only unhandled inbound rows: the join stays small
    @SqlQuery("""
            SELECT DISTINCT s.name
              FROM session_leases l
              JOIN sessions s ON s.id = l.session_id
              JOIN messages m ON m.session_id = l.session_id AND m.direction = 'in' AND m.handled_at IS NULL
             WHERE l.owner_node = :node AND l.expires_at > clock_timestamp()
               AND m.created_at < clock_timestamp() - make_interval(secs => :settledSeconds)
               AND coalesce(m.wa_timestamp, m.created_at) > clock_timestamp() - make_interval(secs => :withinSeconds)
            """)
    List<String> sessionsWithUnhandled(
            @Bind("node") String node,
            @Bind("settledSeconds") double settledSeconds,
            @Bind("withinSeconds") long withinSeconds);

    @SqlQuery("SELECT id FROM sessions WHERE name = :session")
    Optional<Long> sessionId(@Bind("session") String session);
}
