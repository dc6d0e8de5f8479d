package io.wagw.store.message;

import java.time.Instant;

/** An inbound message as a page reported it, to be stored once per WhatsApp id. */
public record InboundRecord(String session, String chatId, String waMessageId, String body, Instant waTimestamp) {
}
