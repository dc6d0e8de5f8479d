package io.wagw.store.message;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.lease.Leases;
import io.wagw.store.lease.SessionLease;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

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
     * Persists an inbound message.
     *
     * @return the stored message, or empty when this WhatsApp id was stored before (a duplicate)
     */
    public Optional<Message> recordInbound(String session, String chatId, String waMessageId, String body, Instant waTimestamp) {
        Validation.sessionName(session);
        Validation.chatId(chatId);
        requireWaId(waMessageId);
        String text = body == null ? "" : body;
        if (text.length() > Validation.MAX_TEXT_LENGTH) {
            throw new StoreException.InvalidInput("body", "body must be at most %d characters".formatted(Validation.MAX_TEXT_LENGTH));
        }
        return jdbi.inTransaction(h -> {
            var dao = h.attach(MessageDao.class);
            requireSession(dao, session);
            return dao.insertInbound(session, chatId, waMessageId, text, waTimestamp);
        });
    }

    /** Records an outbound message before it is sent; fenced by the lease. */
    public Message recordOutbound(SessionLease lease, String chatId, String body) {
        Validation.chatId(chatId);
        Validation.text("text", body);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class).insertOutbound(sessionId, lease.session(), chatId, body, lease.epoch());
        });
    }

    /** Records that WhatsApp accepted an outbound message under the given id; fenced by the lease. */
    public Message markSent(SessionLease lease, long messageId, String waMessageId, int ack, Instant waTimestamp) {
        requireWaId(waMessageId);
        requireAck(ack);
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class).markSent(sessionId, lease.session(), messageId, waMessageId, ack, waTimestamp, lease.epoch())
                    .orElseThrow(() -> unknownMessage(messageId));
        });
    }

    /** Records that an outbound message could not be sent; fenced by the lease. */
    public Message markFailed(SessionLease lease, long messageId, String error) {
        return jdbi.inTransaction(h -> {
            long sessionId = Leases.fence(h, lease);
            return h.attach(MessageDao.class).markFailed(sessionId, lease.session(), messageId, error, lease.epoch())
                    .orElseThrow(() -> new StoreException.InvalidState("id",
                            "outbound message %d does not exist or is no longer pending".formatted(messageId)));
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
        dao.sessionId(session).orElseThrow(() -> new StoreException.NotFound("session", "unknown session '%s'".formatted(session)));
    }

    private static void requireWaId(String waMessageId) {
        if (waMessageId == null || waMessageId.isBlank() || waMessageId.length() > 200) {
            throw new StoreException.InvalidInput("waMessageId", "waMessageId must be 1-200 characters");
        }
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
