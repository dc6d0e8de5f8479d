package io.wagw.store.conversation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** A session's chats and their messages as the console shows them, with the assistant's decisions beside them. */
public final class Conversations {
    public static final int MAX_CHATS = 500;

    private final Jdbi jdbi;

    public Conversations(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The session's chats: those with open escalations first, then the most recently active. */
    public List<ChatSummary> chats(String session, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM (
                        SELECT c.chat_id, cu.push_name, c.messages, lm.body, lm.direction, c.last_at, cs.paused_until,
                               (SELECT count(*) FROM escalations e
                                 WHERE e.tenant_id = s.tenant_id AND e.session_name = s.name
                                   AND e.chat_id = c.chat_id AND e.status = 'open') AS open_escalations
                          FROM sessions s
                          JOIN LATERAL (SELECT m.chat_id, count(*) AS messages, max(m.id) AS last_id,
                                               max(m.created_at) AS last_at
                                          FROM messages m WHERE m.session_id = s.id GROUP BY m.chat_id) c ON TRUE
                          JOIN messages lm ON lm.id = c.last_id
                          LEFT JOIN chat_states cs ON cs.tenant_id = s.tenant_id AND cs.chat_id = c.chat_id
                          LEFT JOIN customers cu ON cu.tenant_id = s.tenant_id
                                                AND cu.phone = split_part(c.chat_id, '@', 1)
                         WHERE s.name = :session) chats
                         ORDER BY open_escalations > 0 DESC, last_at DESC
                         LIMIT :limit
                        """)
                .bind("session", session)
                .bind("limit", limit)
                .map((rs, ctx) -> new ChatSummary(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5),
                        instant(rs, 6),
                        instant(rs, 7),
                        rs.getLong(8)))
                .list());
    }

    /** The chat's latest messages, oldest first, each with the assistant's step or the kind of reply it was. */
    public List<ConversationMessage> messages(String session, String chatId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM (
                          SELECT m.id, m.wa_message_id, m.direction, m.body, m.status, m.ack,
                                 coalesce(m.wa_timestamp, m.created_at) AS at,
                                 CASE WHEN m.direction = 'in' THEN t.step END AS step,
                                 CASE WHEN m.direction = 'out' THEN
                                      CASE WHEN m.in_reply_to IS NULL THEN 'api'
                                           ELSE coalesce(r.reply_kind, r.step, 'reply') END
                                 END AS kind
                            FROM messages m
                            JOIN sessions s ON s.id = m.session_id
                            LEFT JOIN assistant_turns t ON t.session_id = m.session_id
                                                       AND t.wa_message_id = m.wa_message_id
                            LEFT JOIN assistant_turns r ON r.session_id = m.session_id
                                                       AND r.wa_message_id = m.in_reply_to
                           WHERE s.name = :session AND m.chat_id = :chat
                           ORDER BY m.id DESC LIMIT :limit) latest
                         ORDER BY id
                        """)
                .bind("session", session)
                .bind("chat", chatId)
                .bind("limit", limit)
                .map((rs, ctx) -> new ConversationMessage(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getInt(6),
                        instant(rs, 7),
                        rs.getString(8),
                        rs.getString(9)))
                .list());
    }

    /** Until when the assistant keeps quiet in the chat (a person took over), or null. */
    public Instant pausedUntil(String session, String chatId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT cs.paused_until FROM sessions s
                          JOIN chat_states cs ON cs.tenant_id = s.tenant_id AND cs.chat_id = :chat
                         WHERE s.name = :session
                        """)
                .bind("session", session)
                .bind("chat", chatId)
                .map((rs, ctx) -> instant(rs, 1))
                .findOne()
                .orElse(null));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
