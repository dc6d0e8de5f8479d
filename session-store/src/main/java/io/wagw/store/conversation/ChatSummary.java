package io.wagw.store.conversation;

import java.time.Instant;

/**
 * One chat of a session as the console lists it.
 *
 * @param customerName    the customer's WhatsApp push name, when the assistant has a profile
 * @param lastDirection   {@code in} or {@code out}
 * @param pausedUntil     until when the assistant keeps quiet here (a person took over), or null
 * @param openEscalations escalations of this chat not yet resolved
 */
public record ChatSummary(
        String chatId,
        String customerName,
        long messages,
        String lastBody,
        String lastDirection,
        Instant lastAt,
        Instant pausedUntil,
        long openEscalations) {}
