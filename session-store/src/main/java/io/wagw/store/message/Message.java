package io.wagw.store.message;

import java.time.Instant;

/**
 * A WhatsApp text message as the gateway recorded it.
 *
 * @param waMessageId WhatsApp's serialized message id ({@code false_<chat>_<id>}); null for an outbound
 *                    message not yet handed to WhatsApp
 * @param ack         -1 error, 0 pending, 1 server, 2 delivered, 3 read, 4 played
 * @param epoch       lease epoch an outbound message was written under
 * @param waTimestamp WhatsApp's timestamp of the message, when known
 */
public record Message(
        long id,
        String session,
        String chatId,
        Direction direction,
        String waMessageId,
        String body,
        MessageStatus status,
        int ack,
        Long epoch,
        String error,
        Instant waTimestamp,
        Instant createdAt,
        Instant updatedAt) {

    public enum Direction {
        in,
        out
    }
}
