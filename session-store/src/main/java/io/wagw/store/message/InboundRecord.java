package io.wagw.store.message;

import java.time.Instant;

/**
 * An inbound message as a page reported it, to be stored once per WhatsApp id.
 *
 * @param awaitsHandler whether the message handler still has to answer it; otherwise it is stored handled
 */
public record InboundRecord(
        String session, String chatId, String waMessageId, String body, Instant waTimestamp, boolean awaitsHandler) {}
