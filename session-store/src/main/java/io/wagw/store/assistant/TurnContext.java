package io.wagw.store.assistant;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Everything stored that the pipeline's rules look at for one inbound message, read in one go.
 *
 * @param tenantStatus     the tenant's status ({@code active} is answered)
 * @param customer         the customer, if they wrote before
 * @param messagesInWindow the customer's inbound messages in the tenant's sessions within the rate window
 *                         up to this one, this one included
 * @param recentMessages   the chat's last messages before this one, oldest first, prefixed "customer:" or
 *                         "assistant:"
 * @param burst            the customer's earlier messages this one answers together with (they arrived within
 *                         the tenant's debounce pause and were left to it), oldest first
 */
public record TurnContext(
        String tenantStatus,
        Optional<Customer> customer,
        int messagesInWindow,
        Instant pausedUntil,
        LocalDate quietNoticeNight,
        LocalDate quotaNoticeOn,
        Instant lastEscalationAt,
        long monthAnswers,
        boolean monthAlertSent,
        boolean monthLimitNoticed,
        List<String> recentMessages,
        List<String> burst) {}
