package io.wagw.node.message;

import java.time.Instant;

/**
 * A text a customer sent to a session, as persisted.
 *
 * @param chatId     the chat to answer in ({@code <digits>@c.us} or a group)
 * @param senderName the sender's push name, if WhatsApp gave one
 */
public record InboundMessage(
        String session,
        String tenant,
        String chatId,
        String waMessageId,
        String body,
        String senderName,
        Instant timestamp) {}
