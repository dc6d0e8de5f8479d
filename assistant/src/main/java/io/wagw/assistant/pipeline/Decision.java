package io.wagw.assistant.pipeline;

import io.wagw.assistant.settings.Language;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * What the pipeline decided for one message: the rule that decided, the reply (if any), the escalation (if
 * any) and the state to record. {@link AssistantService} carries it out.
 *
 * @param reply      what to send to the customer, or null for silence
 * @param escalation the chat is escalated, or null
 * @param changes    state to record whatever was sent
 */
public record Decision(Step step, Reply reply, Escalation escalation, Changes changes) {

    /** The rule that decided, in pipeline order. */
    public enum Step {
        INACTIVE,
        IGNORED_NUMBER,
        GROUP,
        OPT_OUT,
        OPT_IN,
        OPTED_OUT,
        /** the customer wrote again within the debounce pause: the next message answers both */
        DEBOUNCED,
        RATE_LIMITED,
        QUOTA,
        TAKEOVER,
        QUIET_HOURS,
        ESCALATION,
        QUICK,
        ANSWER,
        FALLBACK;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param countsAsAnswer whether it counts against the monthly quota (answers do, notices do not)
     * @param answer         the answerer's full answer when it made the reply, for usage and sources
     */
    public record Reply(
            String text, ReplyKind kind, Language language, boolean countsAsAnswer, Answerer.Answer answer) {}

    /**
     * @param tellContacts whether the contacts are told (false within the chat's cooldown: the customer is still
     *               acknowledged)
     */
    public record Escalation(Reason reason, boolean tellContacts, String summary) {
        public enum Reason {
            ASKED_FOR_PERSON,
            COMPLAINT,
            LOW_CONFIDENCE,
            FAILURE;

            public String code() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /** Which quota alert is due: none, the one at 80 %, or the one when the quota is used up. */
    public enum QuotaAlert {
        NONE,
        EIGHTY_PERCENT,
        REACHED
    }

    /**
     * @param optedOut       the customer's new opt-out state, or null when unchanged
     * @param rateNoticeAt   the customer was told they write too fast, now
     * @param quietNight     the chat got the quiet-hours template for this night
     * @param quotaNoticeOn  the chat got the quota-reached template on this day
     * @param deferUntil     the message waits until then (quiet hours, behaviour queue)
     */
    public record Changes(
            Boolean optedOut,
            Instant rateNoticeAt,
            LocalDate quietNight,
            LocalDate quotaNoticeOn,
            QuotaAlert quotaAlert,
            Instant deferUntil) {
        public static final Changes NONE = new Changes(null, null, null, null, QuotaAlert.NONE, null);

        Changes withOptedOut(boolean v) {
            return new Changes(v, rateNoticeAt, quietNight, quotaNoticeOn, quotaAlert, deferUntil);
        }

        Changes withRateNoticeAt(Instant v) {
            return new Changes(optedOut, v, quietNight, quotaNoticeOn, quotaAlert, deferUntil);
        }

        Changes withQuietNight(LocalDate v) {
            return new Changes(optedOut, rateNoticeAt, v, quotaNoticeOn, quotaAlert, deferUntil);
        }

        Changes withQuotaNoticeOn(LocalDate v) {
            return new Changes(optedOut, rateNoticeAt, quietNight, v, quotaAlert, deferUntil);
        }

        Changes withQuotaAlert(QuotaAlert v) {
            return new Changes(optedOut, rateNoticeAt, quietNight, quotaNoticeOn, v, deferUntil);
        }

        Changes withDeferUntil(Instant v) {
            return new Changes(optedOut, rateNoticeAt, quietNight, quotaNoticeOn, quotaAlert, v);
        }
    }

    public boolean silent() {
        return reply == null;
    }
}
