package io.wagw.assistant.pipeline;

import io.wagw.assistant.pipeline.Decision.Changes;
import io.wagw.assistant.pipeline.Decision.Escalation;
import io.wagw.assistant.pipeline.Decision.QuotaAlert;
import io.wagw.assistant.pipeline.Decision.Reply;
import io.wagw.assistant.pipeline.Decision.Step;
import io.wagw.assistant.policy.Intent;
import io.wagw.assistant.policy.QuietClock;
import io.wagw.assistant.policy.Texts;
import io.wagw.assistant.settings.Language;
import io.wagw.assistant.settings.TemplateKind;
import io.wagw.assistant.settings.TenantSettings;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The rules around every answer, in order: who is never answered, opt-out, the customer's rate limit, the
 * monthly quota, human takeover, quiet hours, escalation triggers, quick paths, then the {@link Answerer}
 * and the post-processing of its answer. Pure but for the answerer: the state comes in the {@link Turn}, the
 * changes go out in the {@link Decision}.
 *
 * <p>Takeover comes before quiet hours: while a person is writing with a customer the assistant says nothing
 * at all, not even that the business is closed.
 */
public final class Pipeline {
    /** An answer below this confidence is replaced by the fallback template and the chat escalated. */
    public static final double CONFIDENCE_THRESHOLD = 0.5;

    private static final double ALERT_SHARE = 0.8;
    private static final int SUMMARY_CHARS = 300;

    private final Answerer answerer;

    public Pipeline(Answerer answerer) {
        this.answerer = answerer;
    }

    public Decision decide(Turn t) {
        TenantSettings s = t.settings();
        if (!t.tenantActive()) {
            return silent(Step.INACTIVE, Changes.NONE);
        }
        if (t.customerPhone() != null && s.ignoreNumbers().contains(t.customerPhone())) {
            return silent(Step.IGNORED_NUMBER, Changes.NONE);
        }
        if (t.group() && !s.groups()) {
            return silent(Step.GROUP, Changes.NONE);
        }
        // whole-message intents (stop, start, hi, thanks) read the last message; the rest the whole burst
        String normalized = Texts.normalize(t.text());
        String whole = Texts.normalize(t.wholeText());
        Language lang = language(t, s);

        // 2. opt-out and back in
        if (Intent.OPT_OUT.matches(normalized)) {
            if (t.customer().optedOut()) {
                return silent(Step.OPTED_OUT, Changes.NONE);
            }
            return reply(
                    Step.OPT_OUT, template(s, TemplateKind.OPT_OUT_ACK, lang), lang, Changes.NONE.withOptedOut(true));
        }
        if (Intent.OPT_IN.matches(normalized) && t.customer().optedOut()) {
            return reply(
                    Step.OPT_IN, template(s, TemplateKind.OPT_IN_ACK, lang), lang, Changes.NONE.withOptedOut(false));
        }
        if (t.customer().optedOut()) {
            return silent(Step.OPTED_OUT, Changes.NONE);
        }

        // 3. the customer's rate limit: one notice per window, then silence
        var rate = s.rateLimit();
        if (rate.messages() > 0 && t.customer().messagesInWindow() > rate.messages()) {
            var last = t.customer().rateNoticeAt();
            if (last == null || !last.plus(rate.window()).isAfter(t.at())) {
                return reply(
                        Step.RATE_LIMITED,
                        template(s, TemplateKind.RATE_LIMITED, lang),
                        lang,
                        Changes.NONE.withRateNoticeAt(t.at()));
            }
            return silent(Step.RATE_LIMITED, Changes.NONE);
        }

        // 4. the monthly quota
        Changes changes = Changes.NONE;
        var quota = s.quota();
        if (quota.limited()) {
            if (t.month().answers() >= quota.monthlyMessages()) {
                Changes c = t.month().limitNoticed() ? Changes.NONE : Changes.NONE.withQuotaAlert(QuotaAlert.REACHED);
                LocalDate today = t.at().atZone(s.timezone()).toLocalDate();
                if (quota.atLimit() == TenantSettings.Quota.AtLimit.TEMPLATE
                        && !today.equals(t.chat().quotaNoticeOn())) {
                    return reply(
                            Step.QUOTA,
                            template(s, TemplateKind.QUOTA_REACHED, lang),
                            lang,
                            c.withQuotaNoticeOn(today));
                }
                return silent(Step.QUOTA, c);
            }
            if (!t.month().alertSent() && t.month().answers() + 1 >= Math.ceil(quota.monthlyMessages() * ALERT_SHARE)) {
                changes = changes.withQuotaAlert(QuotaAlert.EIGHTY_PERCENT);
            }
        }

        // 6. a person took the chat over
        if (t.chat().pausedUntil() != null && t.chat().pausedUntil().isAfter(t.at())) {
            return silent(Step.TAKEOVER, changes);
        }

        // 5. quiet hours
        if (!t.deferred()) {
            Optional<LocalDate> night = QuietClock.night(s.quietHours(), s.timezone(), t.at());
            if (night.isPresent()) {
                switch (s.quietHours().behaviour()) {
                    case QUEUE -> {
                        return silent(
                                Step.QUIET_HOURS,
                                changes.withDeferUntil(QuietClock.opening(s.quietHours(), s.timezone(), night.get())));
                    }
                    case TEMPLATE -> {
                        if (night.get().equals(t.chat().quietNoticeNight())) {
                            return silent(Step.QUIET_HOURS, changes);
                        }
                        return reply(
                                Step.QUIET_HOURS,
                                template(s, TemplateKind.QUIET_HOURS, lang),
                                lang,
                                changes.withQuietNight(night.get()));
                    }
                    case ANSWER -> {
                        // answered as usual
                    }
                }
            }
        }

        // escalation triggers the customer states
        Optional<Intent> wants = Intent.firstOf(whole, Intent.ASK_PERSON, Intent.COMPLAINT);
        if (wants.isPresent()) {
            var reason =
                    wants.get() == Intent.ASK_PERSON ? Escalation.Reason.ASKED_FOR_PERSON : Escalation.Reason.COMPLAINT;
            return escalate(t, reason, template(s, TemplateKind.ESCALATION_ACK, lang), lang, changes);
        }

        // 8. quick paths
        boolean alone = t.earlier().isEmpty();
        if (alone && (Intent.GREETING.matches(normalized) || Intent.OPT_IN.matches(normalized))) {
            return answer(Step.QUICK, template(s, TemplateKind.GREETING, lang), ReplyKind.QUICK, lang, changes, null);
        }
        if (alone && Intent.THANKS.matches(normalized)) {
            return answer(Step.QUICK, template(s, TemplateKind.THANKS, lang), ReplyKind.QUICK, lang, changes, null);
        }
        for (var q : s.quickReplies()) {
            for (String phrase : q.pattern().split("\\|")) {
                if (Texts.containsPhrase(whole, phrase)) {
                    return answer(Step.QUICK, q.reply(), ReplyKind.QUICK, lang, changes, null);
                }
            }
        }

        // 9–10. the answerer, post-processed; 12. any failure: the fallback and a person
        Answerer.Answer a;
        try {
            a = answerer.answer(new Answerer.Question(
                    t.tenant(), s, t.wholeText(), lang, t.customer().context()));
        } catch (RuntimeException e) {
            return escalate(t, Escalation.Reason.FAILURE, template(s, TemplateKind.FALLBACK, lang), lang, changes);
        }
        if (a == null || a.text() == null || a.text().isBlank() || a.confidence() < CONFIDENCE_THRESHOLD) {
            Decision d = escalate(
                    t, Escalation.Reason.LOW_CONFIDENCE, template(s, TemplateKind.FALLBACK, lang), lang, changes);
            return new Decision(
                    Step.FALLBACK,
                    new Reply(d.reply().text(), ReplyKind.TEMPLATE, lang, true, a),
                    d.escalation(),
                    d.changes());
        }
        return answer(Step.ANSWER, Replies.forWhatsApp(a.text(), s.maxReplyChars()), a.kind(), lang, changes, a);
    }

    /** The customer's language: what the message is written in if the business speaks it, else its first. */
    static Language language(Turn t, TenantSettings s) {
        Language l = Texts.language(t.wholeText(), s.defaultLanguage());
        return s.languages().contains(l) ? l : s.defaultLanguage();
    }

    private static String template(TenantSettings s, TemplateKind kind, Language lang) {
        return s.templates().text(kind, lang, s.defaultLanguage(), s.businessName());
    }

    private static Decision silent(Step step, Changes changes) {
        return new Decision(step, null, null, changes);
    }

    private static Decision reply(Step step, String text, Language lang, Changes changes) {
        return new Decision(step, new Reply(text, ReplyKind.TEMPLATE, lang, false, null), null, changes);
    }

    private static Decision answer(
            Step step, String text, ReplyKind kind, Language lang, Changes changes, Answerer.Answer a) {
        return new Decision(step, new Reply(text, kind, lang, true, a), null, changes);
    }

    private Decision escalate(Turn t, Escalation.Reason reason, String ack, Language lang, Changes changes) {
        var last = t.chat().lastEscalationAt();
        boolean notify =
                last == null || !last.plus(t.settings().escalation().cooldown()).isAfter(t.at());
        String summary = t.wholeText().strip();
        if (summary.length() > SUMMARY_CHARS) {
            summary = Replies.cap(summary, SUMMARY_CHARS);
        }
        return new Decision(
                Step.ESCALATION,
                new Reply(ack, ReplyKind.TEMPLATE, lang, false, null),
                new Escalation(reason, notify, summary),
                changes);
    }
}
