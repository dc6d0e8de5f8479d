package io.wagw.assistant.pipeline;

import io.wagw.assistant.pipeline.Answerer.CustomerContext;
import io.wagw.assistant.settings.TenantSettings;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One inbound message with everything the pipeline's rules look at, loaded by {@link AssistantService}.
 *
 * @param customerPhone the sender's number (digits), for a group the author's
 * @param text          the message
 * @param earlier       the customer's earlier messages of the same burst, answered together with this one
 * @param customer      the customer's state in this tenant
 * @param chat          the chat's state in this tenant
 * @param month         this month's counters of the tenant
 * @param deferred      the message was queued for opening time and is now due: quiet hours do not apply again
 */
public record Turn(
        String tenant,
        boolean tenantActive,
        TenantSettings settings,
        String chatId,
        String customerPhone,
        boolean group,
        String text,
        List<String> earlier,
        Instant at,
        CustomerState customer,
        ChatState chat,
        MonthState month,
        boolean deferred) {

    /** The burst as one text: the earlier messages and this one, a line each. */
    public String wholeText() {
        if (earlier.isEmpty()) {
            return text;
        }
        return String.join("\n", earlier) + "\n" + text;
    }

    /**
     * @param messagesInWindow the customer's messages within the rate window, this one included
     * @param rateNoticeAt     when the customer was last told they write too fast, or null
     */
    public record CustomerState(boolean optedOut, int messagesInWindow, Instant rateNoticeAt, CustomerContext context) {
        public static CustomerState fresh() {
            return new CustomerState(false, 1, null, CustomerContext.none());
        }
    }

    /**
     * @param pausedUntil     a person took the chat over until then, or null
     * @param quietNoticeNight the quiet period the chat last got the quiet-hours template in, or null
     * @param lastEscalationAt when the chat was last escalated, or null
     * @param quotaNoticeOn    the day (in the tenant's timezone) the chat last got the quota-reached template
     */
    public record ChatState(
            Instant pausedUntil, LocalDate quietNoticeNight, Instant lastEscalationAt, LocalDate quotaNoticeOn) {
        public static ChatState fresh() {
            return new ChatState(null, null, null, null);
        }
    }

    /**
     * @param answers      the assistant's answers this month
     * @param alertSent    whether the 80 % alert went out this month
     * @param limitNoticed whether the operator was told this month that the quota is reached
     */
    public record MonthState(long answers, boolean alertSent, boolean limitNoticed) {
        public static MonthState fresh() {
            return new MonthState(0, false, false);
        }
    }
}
