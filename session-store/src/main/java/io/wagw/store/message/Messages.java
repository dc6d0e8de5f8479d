package io.wagw.store.message;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.lease.Leases;
import io.wagw.store.lease.SessionLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * The message log. Inbound messages are stored once per WhatsApp id (a re-delivered message is
 * recognised); every outbound write is fenced by the session's lease, recorded as {@code pending}
 * before it is handed to WhatsApp and updated after.
 */
public final class Messages {
    public static final int MAX_HISTORY = 1000;

    private final Jdbi jdbi;

    public Messages(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Persists an inbound message that awaits the message handler.
     *
     * @return the stored message, or empty when this WhatsApp id was stored before (a duplicate)
     */
    public Optional<Message> recordInbound(
            String session, String chatId, String waMessageId, String body, Instant waTimestamp) {
        Optional<Message> inserted = recordInbound(
                        List.of(new InboundRecord(session, chatId, waMessageId, body, waTimestamp, true)))
                .getFirst();
        if (inserted.isEmpty()) {
            jdbi.useExtension(MessageDao.class, dao -> requireSession(dao, session)); // unknown session, or a duplicate
        }
        return inserted;
    }

    /**
     * Persists several inbound messages in one statement (one commit), in the given order.
     *
     * @return one entry per input, in input order: the stored message, or empty when it was a duplicate
     *         (stored before, or earlier in the same batch) or its session no longer exists
     * @throws StoreException.InvalidInput when any input is invalid; then nothing is stored
     */
    public List<Optional<Message>> recordInbound(List<InboundRecord> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<InboundRecord> rows = batch.stream().map(Messages::validated).toList();
        int n = rows.size();
        String[] sessions = new String[n];
        String[] chats = new String[n];
        String[] waIds = new String[n];
        String[] bodies = new String[n];
        Long[] waMillis = new Long[n];
        Boolean[] awaitHandler = new Boolean[n];
        for (int i = 0; i < n; i++) {
            InboundRecord r = rows.get(i);
            sessions[i] = r.session();
            chats[i] = r.chatId();
            waIds[i] = r.waMessageId();
            bodies[i] = r.body();
            waMillis[i] = r.waTimestamp() == null ? null : r.waTimestamp().toEpochMilli();
            awaitHandler[i] = r.awaitsHandler();
        }
        List<Message> stored = jdbi.withHandle(h -> h.createQuery(INSERT_INBOUND_BATCH)
                .bindArray("sessions", String.class, (Object[]) sessions)
                .bindArray("chats", String.class, (Object[]) chats)
                .bindArray("waIds", String.class, (Object[]) waIds)
                .bindArray("bodies", String.class, (Object[]) bodies)
                .bindArray("waMillis", Long.class, (Object[]) waMillis)
                .bindArray("awaitHandler", Boolean.class, (Object[]) awaitHandler)
                .map(ConstructorMapper.of(Message.class))
                .list());
        Map<String, Message> byKey = new HashMap<>();
        stored.forEach(m -> byKey.put(m.session() + "\n" + m.waMessageId(), m));
        List<Optional<Message>> out = new ArrayList<>(n);
        for (InboundRecord r : rows) {
            // remove: a second copy of the same message in this batch is a duplicate
            out.add(Optional.ofNullable(byKey.remove(r.session() + "\n" + r.waMessageId())));
        }
        return out;
    }

    private static final String INSERT_INBOUND_BATCH = """
            INSERT INTO messages (session_id, chat_id, direction, wa_message_id, body, status, ack, wa_timestamp, handled_at)
            SELECT s.id, x.chat_id, 'in', x.wa_id, x.body, 'received', 0,
                   CASE WHEN x.wa_ms IS NULL THEN NULL ELSE to_timestamp(x.wa_ms / 1000.0) END,
                   CASE WHEN x.await_handler THEN NULL ELSE clock_timestamp() END
              FROM unnest(:sessions, :chats, :waIds, :bodies, :waMillis, :awaitHandler)
                   WITH ORDINALITY AS x(session, chat_id, wa_id, body, wa_ms, await_handler, ord)
              JOIN sessions s ON s.name = x.session
             ORDER BY x.ord
            ON CONFLICT (session_id, wa_message_id) DO NOTHING
            RETURNING id, (SELECT name FROM sessions WHERE id = messages.session_id) AS session, chat_id, direction,
                      wa_message_id, body, status, ack, epoch, error, wa_timestamp, created_at, updated_at
            """;

    private static InboundRecord validated(InboundRecord r) {
        Validation.sessionName(r.session());
        Validation.chatId(r.chatId());
        requireWaId(r.waMessageId());
        String text = r.body() == null ? "" : r.body();
        if (text.length() > Validation.MAX_TEXT_LENGTH) {
            throw new StoreException.InvalidInput(
                    "body", "body must be at most %d characters".formatted(Validation.MAX_TEXT_LENGTH));
        }
        // what a customer wrote is kept, whatever it holds: only the U+0000 PostgreSQL cannot store is replaced
        return new InboundRecord(
                r.session(),
                r.chatId(),
                r.waMessageId(),
                Validation.storable(text),
                r.waTimestamp(),
                r.awaitsHandler());
    }

    /**
     * Marks an inbound message handled: the message handler ran and its replies went out. Messages left
     * unhandled are handed on again by whoever runs the session next ({@link #unhandledInbound}).
     */
    public void markHandled(String session, String waMessageId) {
        Validation.sessionName(session);
        requireWaId(waMessageId);
        jdbi.useExtension(MessageDao.class, dao -> dao.markHandled(session, waMessageId));
    }

    /**
     * Inbound messages of a session not handled yet that were written (by WhatsApp's timestamp, else when
     * stored) within {@code within}, oldest first (at most 100).
     */
    public List<Message> unhandledInbound(String session, Duration within) {
        Validation.sessionName(session);
        if (within == null || within.isNegative() || within.isZero()) {
            throw new StoreException.InvalidInput("within", "within must be a positive duration");
        }
        return jdbi.withExtension(MessageDao.class, dao -> dao.unhandledInbound(session, within.toSeconds(), 100));
    }

    /**
     * The sessions whose live leases {@code node} holds that have inbound messages unhandled for at least
     * {@code settled}, written within {@code within}: one statement for the whole node, so that a node can
     * look for messages left behind (stored late, or whose reply failed) every few seconds.
     */
    public List<String> sessionsWithUnhandled(String node, Duration settled, Duration within) {
        Validation.nodeId(node);
        return jdbi.withExtension(
                MessageDao.class,
                dao -> dao.sessionsWithUnhandled(node, settled.toMillis() / 1000.0, within.toSeconds()));
    }

    /** Records an outbound message before it is sent; fenced by the lease. */
    public Message recordOutbound(SessionLease lease, String chatId, String body) {
        return recordOutbound(lease, chatId, body, null);
    }

    /**
     * Records an outbound message before it is sent; fenced by the lease.
     *
     * @param inReplyTo the WhatsApp id of the inbound message it answers, or null
     */
    public Message recordOutbound(SessionLease lease, String chatId, String body, String inReplyTo) {
        Validation.chatId(chatId);
        Validation.text("text", body);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class)
                    .insertOutbound(sessionId, lease.session(), chatId, body, lease.epoch(), inReplyTo);
        });
    }

    /**
     * Whether a reply to this inbound message was handed to WhatsApp: accepted ({@code sent}), or recorded
     * ({@code pending}) by the outbound queue, which records a reply as it hands it to the page, so that a node
     * killed between WhatsApp's acceptance and the {@code sent} mark does not make the next owner answer twice.
     * The cost: a node killed in the few milliseconds between recording and handing over leaves that reply
     * unsent.
     */
    public boolean answered(String session, String waMessageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM messages m JOIN sessions s ON s.id = m.session_id
                                        WHERE s.name = :session AND m.in_reply_to = :wa AND m.direction = 'out'
                                          AND m.status IN ('pending', 'sent'))
                        """)
                .bind("session", session)
                .bind("wa", waMessageId)
                .mapTo(Boolean.class)
                .one());
    }

    /** Records that WhatsApp accepted an outbound message under the given id; fenced by the lease. */
    public Message markSent(SessionLease lease, long messageId, String waMessageId, int ack, Instant waTimestamp) {
        requireWaId(waMessageId);
        requireAck(ack);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class)
                    .markSent(sessionId, lease.session(), messageId, waMessageId, ack, waTimestamp, lease.epoch())
                    .orElseThrow(() -> unknownMessage(messageId));
        });
    }

    /** Records that an outbound message could not be sent; fenced by the lease. */
    public Message markFailed(SessionLease lease, long messageId, String error) {
        String storable = Validation.storable(error);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class)
                    .markFailed(sessionId, lease.session(), messageId, storable, lease.epoch())
                    .orElseThrow(() -> new StoreException.InvalidState(
                            "id", "outbound message %d does not exist or is no longer pending".formatted(messageId)));
        });
    }

    /**
     * Applies an ack update to an outbound message; fenced by the lease. Acks only move forward.
     *
     * @return the updated message, or empty when the update was not newer than what is stored
     */
    public Optional<Message> updateAck(SessionLease lease, String waMessageId, int ack) {
        requireWaId(waMessageId);
        requireAck(ack);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class).updateAck(sessionId, lease.session(), waMessageId, ack);
        });
    }

    /** The newest messages of a chat, newest first. */
    public List<Message> recent(String session, String chatId, int limit) {
        Validation.sessionName(session);
        Validation.chatId(chatId);
        if (limit < 1 || limit > MAX_HISTORY) {
            throw new StoreException.InvalidInput("limit", "limit must be between 1 and " + MAX_HISTORY);
        }
        return jdbi.inTransaction(h -> {
            var dao = h.attach(MessageDao.class);
            requireSession(dao, session);
            return dao.recent(session, chatId, limit);
        });
    }

    public Optional<Message> byWaId(String session, String waMessageId) {
        Validation.sessionName(session);
        requireWaId(waMessageId);
        return jdbi.withExtension(MessageDao.class, dao -> dao.byWaId(session, waMessageId));
    }

    private static void requireSession(MessageDao dao, String session) {
        dao.sessionId(session)
                .orElseThrow(() -> new StoreException.NotFound("session", "unknown session '%s'".formatted(session)));
    }

    private static void requireWaId(String waMessageId) {
        if (waMessageId == null || waMessageId.isBlank() || waMessageId.length() > 200) {
            throw new StoreException.InvalidInput("waMessageId", "waMessageId must be 1-200 characters");
        }
        Validation.singleLine("waMessageId", waMessageId);
    }

    private static void requireAck(int ack) {
        if (ack < -1 || ack > 4) {
            throw new StoreException.InvalidInput("ack", "ack must be between -1 and 4");
        }
    }

    private static StoreException unknownMessage(long id) {
        return new StoreException.NotFound("id", "outbound message %d does not exist in this session".formatted(id));
    }
}
