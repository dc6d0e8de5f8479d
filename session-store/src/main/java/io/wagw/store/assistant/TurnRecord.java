package io.wagw.store.assistant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * A decision on one inbound message and the state it changes, written at once by {@link Turns#record}.
 *
 * @param customerPhone  the customer (digits); null when the sender is unknown
 * @param replyKind      how the reply was made, or null for silence
 * @param optedOut       the customer's new opt-out state, or null when unchanged
 * @param rateNoticeAt   set when the customer was told they write too fast
 * @param countsAsAnswer adds one to the month's answers
 * @param alertSent      the month's 80 % alert is going out
 * @param limitNoticed   the month's quota-reached notice is going out
 * @param escalation     an escalation to open, or null
 * @param deferUntil     the message waits for opening time, or null
 */
public record TurnRecord(
        String session,
        String waMessageId,
        String tenant,
        String chatId,
        String customerPhone,
        String pushName,
        String language,
        Instant at,
        YearMonth month,
        String step,
        String replyKind,
        Boolean optedOut,
        Instant rateNoticeAt,
        LocalDate quietNoticeNight,
        LocalDate quotaNoticeOn,
        boolean countsAsAnswer,
        long tokensIn,
        long tokensOut,
        double costUsd,
        boolean alertSent,
        boolean limitNoticed,
        NewEscalation escalation,
        Instant deferUntil) {

    /**
     * @param tellContacts false within the chat's cooldown: the escalation is not opened again
     */
    public record NewEscalation(String reason, String summary, boolean tellContacts) {}
}
