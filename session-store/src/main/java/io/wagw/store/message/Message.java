package io.wagw.store.message;

import io.wagw.store.WireValue;
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

    /** Stored as {@link #value()}: {@code in} or {@code out}. */
    public enum Direction implements WireValue {
        IN("in"),
        OUT("out");

        private final String value;

        Direction(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }

        /** @throws IllegalArgumentException when {@code value} names no direction */
        public static Direction fromValue(String value) {
            return WireValue.fromValue(Direction.class, value);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
