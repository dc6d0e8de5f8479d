package io.wagw.assistant.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.assistant.pipeline.Decision.Escalation.Reason;
import io.wagw.assistant.pipeline.Decision.QuotaAlert;
import io.wagw.assistant.pipeline.Decision.Step;
import io.wagw.assistant.pipeline.Turn.ChatState;
import io.wagw.assistant.pipeline.Turn.CustomerState;
import io.wagw.assistant.pipeline.Turn.MonthState;
import io.wagw.assistant.settings.Language;
import io.wagw.assistant.settings.SettingsCodec;
import io.wagw.assistant.settings.TenantSettings;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule of the pipeline, in order, without a database or a browser. */
class PipelineTest {
    // 12:00 in Almaty (UTC+5) on a Wednesday
    private static final Instant NOON = Instant.parse("2026-12-02T07:00:00Z");
    private static final Instant NIGHT = Instant.parse("2026-12-02T18:30:00Z"); // 23:30 local

    private final TenantSettings settings = SettingsCodec.fromMap(
            Map.of(
                    "businessName", "Salon Aida",
                    "timezone", "Asia/Almaty",
                    "languages", List.of("ru", "kk", "en"),
                    "ignoreNumbers", List.of("77010000001"),
                    "quietHours", Map.of("from", "21:00", "to", "09:00", "behaviour", "template"),
                    "quota", Map.of("monthlyMessages", 100, "atLimit", "template"),
                    "rateLimit", Map.of("messages", 5, "windowSeconds", 60),
                    "escalation",
                            Map.of(
                                    "contacts",
                                    List.of(Map.of("name", "Aida", "phone", "77019998877")),
                                    "cooldownMinutes",
                                    30),
                    "quickReplies", List.of(Map.of("pattern", "адрес|address", "reply", "Abai 10, 2nd floor"))),
            "Salon");

    private String asked;
    private final Pipeline pipeline = new Pipeline(q -> {
        asked = q.text();
        return new Answerer.Answer(
                "Manicure with gel: **12 000 ₸**", ReplyKind.KNOWLEDGE, 0.9, List.of("prices"), 0, 0, 0);
    });

    private Turn turn(String text) {
        return turn(text, NOON, CustomerState.fresh(), ChatState.fresh(), MonthState.fresh());
    }

    private Turn turn(String text, Instant at, CustomerState c, ChatState chat, MonthState month) {
        return new Turn(
                "aida",
                true,
                settings,
                "77011234567@c.us",
                "77011234567",
                false,
                text,
                List.of(),
                at,
                c,
                chat,
                month,
                false);
    }

    @Test
    void aQuestionIsAnsweredByTheAnswererInWhatsAppFormattingAndCountsAsAnAnswer() {
        Decision d = pipeline.decide(turn("How much is a manicure with gel?"));
        assertThat(d.step()).isEqualTo(Step.ANSWER);
        assertThat(d.reply().text()).isEqualTo("Manicure with gel: *12 000 ₸*");
        assertThat(d.reply().kind()).isEqualTo(ReplyKind.KNOWLEDGE);
        assertThat(d.reply().countsAsAnswer()).isTrue();
        assertThat(d.reply().language()).isEqualTo(Language.EN);
        assertThat(asked).isEqualTo("How much is a manicure with gel?");
    }

    @Test
    void anInactiveTenantAnIgnoredNumberAndAGroupGetSilence() {
        var inactive = new Turn(
                "aida",
                false,
                settings,
                "77011234567@c.us",
                "77011234567",
                false,
                "hi",
                List.of(),
                NOON,
                CustomerState.fresh(),
                ChatState.fresh(),
                MonthState.fresh(),
                false);
        assertThat(pipeline.decide(inactive).step()).isEqualTo(Step.INACTIVE);
        assertThat(pipeline.decide(inactive).silent()).isTrue();
        var staff = new Turn(
                "aida",
                true,
                settings,
                "77010000001@c.us",
                "77010000001",
                false,
                "hi",
                List.of(),
                NOON,
                CustomerState.fresh(),
                ChatState.fresh(),
                MonthState.fresh(),
                false);
        assertThat(pipeline.decide(staff).step()).isEqualTo(Step.IGNORED_NUMBER);
        var group = new Turn(
                "aida",
                true,
                settings,
                "120363000000000001@g.us",
                "77011234567",
                true,
                "hi",
                List.of(),
                NOON,
                CustomerState.fresh(),
                ChatState.fresh(),
                MonthState.fresh(),
                false);
        assertThat(pipeline.decide(group).step()).isEqualTo(Step.GROUP);
        assertThat(asked).isNull();
    }

    @Test
    void stopIsAcknowledgedOnceThenSilenceUntilStart() {
        Decision stop = pipeline.decide(turn("Стоп!"));
        assertThat(stop.step()).isEqualTo(Step.OPT_OUT);
        assertThat(stop.reply().text()).contains("старт");
        assertThat(stop.changes().optedOut()).isTrue();

        var out = new CustomerState(true, 1, null, Answerer.CustomerContext.none());
        assertThat(pipeline.decide(turn("stop", NOON, out, ChatState.fresh(), MonthState.fresh()))
                        .silent())
                .isTrue();
        Decision question = pipeline.decide(turn("How much is it?", NOON, out, ChatState.fresh(), MonthState.fresh()));
        assertThat(question.step()).isEqualTo(Step.OPTED_OUT);
        assertThat(question.silent()).isTrue();

        Decision start = pipeline.decide(turn("старт", NOON, out, ChatState.fresh(), MonthState.fresh()));
        assertThat(start.step()).isEqualTo(Step.OPT_IN);
        assertThat(start.changes().optedOut()).isFalse();
        assertThat(start.silent()).isFalse();
    }

    @Test
    void overTheRateLimitOneNoticePerWindowThenSilence() {
        var sixth = new CustomerState(false, 6, null, Answerer.CustomerContext.none());
        Decision notice = pipeline.decide(turn("?", NOON, sixth, ChatState.fresh(), MonthState.fresh()));
        assertThat(notice.step()).isEqualTo(Step.RATE_LIMITED);
        assertThat(notice.reply()).isNotNull();
        assertThat(notice.changes().rateNoticeAt()).isEqualTo(NOON);

        var noticed = new CustomerState(false, 7, NOON.minusSeconds(10), Answerer.CustomerContext.none());
        assertThat(pipeline.decide(turn("?", NOON, noticed, ChatState.fresh(), MonthState.fresh()))
                        .silent())
                .isTrue();
        var nextWindow = new CustomerState(false, 7, NOON.minusSeconds(61), Answerer.CustomerContext.none());
        assertThat(pipeline.decide(turn("?", NOON, nextWindow, ChatState.fresh(), MonthState.fresh()))
                        .silent())
                .isFalse();
        var withinLimit = new CustomerState(false, 5, null, Answerer.CustomerContext.none());
        assertThat(pipeline.decide(turn("price?", NOON, withinLimit, ChatState.fresh(), MonthState.fresh()))
                        .step())
                .isEqualTo(Step.ANSWER);
    }

    @Test
    void theQuotaAlertsAtEightyPercentOnceAndAtTheLimitSendsTheTemplateOncePerChatPerDay() {
        Decision at79 = pipeline.decide(
                turn("price?", NOON, CustomerState.fresh(), ChatState.fresh(), new MonthState(78, false, false)));
        assertThat(at79.changes().quotaAlert()).isEqualTo(QuotaAlert.NONE);
        Decision at80 = pipeline.decide(
                turn("price?", NOON, CustomerState.fresh(), ChatState.fresh(), new MonthState(79, false, false)));
        assertThat(at80.step()).isEqualTo(Step.ANSWER);
        assertThat(at80.changes().quotaAlert()).isEqualTo(QuotaAlert.EIGHTY_PERCENT);
        Decision alerted = pipeline.decide(
                turn("price?", NOON, CustomerState.fresh(), ChatState.fresh(), new MonthState(85, true, false)));
        assertThat(alerted.changes().quotaAlert()).isEqualTo(QuotaAlert.NONE);

        Decision full = pipeline.decide(
                turn("price?", NOON, CustomerState.fresh(), ChatState.fresh(), new MonthState(100, true, false)));
        assertThat(full.step()).isEqualTo(Step.QUOTA);
        assertThat(full.reply().countsAsAnswer()).isFalse();
        assertThat(full.changes().quotaAlert()).isEqualTo(QuotaAlert.REACHED);
        assertThat(full.changes().quotaNoticeOn()).isEqualTo(LocalDate.of(2026, 12, 2));
        var noticedToday = new ChatState(null, null, null, LocalDate.of(2026, 12, 2));
        Decision again = pipeline.decide(
                turn("price?", NOON, CustomerState.fresh(), noticedToday, new MonthState(101, true, true)));
        assertThat(again.silent()).isTrue();
        assertThat(again.changes().quotaAlert()).isEqualTo(QuotaAlert.NONE);
        assertThat(asked).isEqualTo("price?"); // only the calls below the limit reached the answerer
    }

    @Test
    void atNightTheQuietTemplateGoesOutOncePerChatPerNight() {
        Decision first =
                pipeline.decide(turn("price?", NIGHT, CustomerState.fresh(), ChatState.fresh(), MonthState.fresh()));
        assertThat(first.step()).isEqualTo(Step.QUIET_HOURS);
        assertThat(first.reply().text()).contains("closed");
        assertThat(first.changes().quietNight()).isEqualTo(LocalDate.of(2026, 12, 2));
        var told = new ChatState(null, LocalDate.of(2026, 12, 2), null, null);
        Decision second = pipeline.decide(
                turn("price?", NIGHT.plusSeconds(3 * 3600), CustomerState.fresh(), told, MonthState.fresh()));
        assertThat(second.step()).isEqualTo(Step.QUIET_HOURS);
        assertThat(second.silent()).isTrue();
        assertThat(asked).isNull();
    }

    @Test
    void quietHoursThatQueueDeferTheMessageToOpeningTime() {
        var queueing = SettingsCodec.fromMap(
                Map.of(
                        "timezone",
                        "Asia/Almaty",
                        "quietHours",
                        Map.of("from", "21:00", "to", "09:00", "behaviour", "queue")),
                "Salon");
        var t = new Turn(
                "aida",
                true,
                queueing,
                "77011234567@c.us",
                "77011234567",
                false,
                "price?",
                List.of(),
                NIGHT,
                CustomerState.fresh(),
                ChatState.fresh(),
                MonthState.fresh(),
                false);
        Decision d = pipeline.decide(t);
        assertThat(d.silent()).isTrue();
        assertThat(d.changes().deferUntil()).isEqualTo(Instant.parse("2026-12-03T04:00:00Z")); // 09:00 local
        var due = new Turn(
                "aida",
                true,
                queueing,
                "77011234567@c.us",
                "77011234567",
                false,
                "price?",
                List.of(),
                NIGHT,
                CustomerState.fresh(),
                ChatState.fresh(),
                MonthState.fresh(),
                true);
        assertThat(pipeline.decide(due).step()).isEqualTo(Step.ANSWER);
    }

    @Test
    void aChatTakenOverByAPersonGetsSilenceUntilThePauseEnds() {
        var paused = new ChatState(NOON.plusSeconds(60), null, null, null);
        assertThat(pipeline.decide(turn("price?", NOON, CustomerState.fresh(), paused, MonthState.fresh()))
                        .step())
                .isEqualTo(Step.TAKEOVER);
        assertThat(pipeline.decide(
                                turn("price?", NOON.plusSeconds(61), CustomerState.fresh(), paused, MonthState.fresh()))
                        .step())
                .isEqualTo(Step.ANSWER);
    }

    @Test
    void askingForAPersonOrComplainingEscalatesAndTheCooldownKeepsTheContactsFromBeingToldTwice() {
        Decision ru = pipeline.decide(turn("Позовите администратора пожалуйста"));
        assertThat(ru.step()).isEqualTo(Step.ESCALATION);
        assertThat(ru.escalation().reason()).isEqualTo(Reason.ASKED_FOR_PERSON);
        assertThat(ru.escalation().tellContacts()).isTrue();
        assertThat(ru.reply().language()).isEqualTo(Language.RU);
        assertThat(ru.reply().text()).contains("администратору");

        Decision complaint = pipeline.decide(turn("This is terrible, I want a refund"));
        assertThat(complaint.escalation().reason()).isEqualTo(Reason.COMPLAINT);

        var recently = new ChatState(null, null, NOON.minusSeconds(600), null);
        Decision again = pipeline.decide(turn("operator!", NOON, CustomerState.fresh(), recently, MonthState.fresh()));
        assertThat(again.escalation().tellContacts()).isFalse();
        assertThat(again.reply()).isNotNull();
        assertThat(asked).isNull();
    }

    @Test
    void greetingsThanksAndTheTenantsPatternsAreAnsweredWithoutTheAnswerer() {
        Decision hi = pipeline.decide(turn("Сәлеметсіз бе!"));
        assertThat(hi.step()).isEqualTo(Step.QUICK);
        assertThat(hi.reply().language()).isEqualTo(Language.KK);
        assertThat(hi.reply().text()).contains("Salon Aida");
        assertThat(pipeline.decide(turn("Спасибо!")).reply().kind()).isEqualTo(ReplyKind.QUICK);
        Decision address = pipeline.decide(turn("what is your address?"));
        assertThat(address.reply().text()).isEqualTo("Abai 10, 2nd floor");
        assertThat(address.reply().countsAsAnswer()).isTrue();
        assertThat(asked).isNull();
    }

    @Test
    void anAnswerBelowTheThresholdOrAFailingAnswererGivesTheFallbackAndAPerson() {
        var unsure = new Pipeline(q -> new Answerer.Answer("maybe?", ReplyKind.MODEL, 0.2, List.of(), 10, 5, 0));
        Decision low = unsure.decide(turn("Do you do eyelash extensions?"));
        assertThat(low.step()).isEqualTo(Step.FALLBACK);
        assertThat(low.reply().text()).contains("staff");
        assertThat(low.escalation().reason()).isEqualTo(Reason.LOW_CONFIDENCE);
        assertThat(low.reply().answer().tokensIn()).isEqualTo(10);

        var broken = new Pipeline(q -> {
            throw new IllegalStateException("provider down");
        });
        Decision failed = broken.decide(turn("Do you do eyelash extensions?"));
        assertThat(failed.escalation().reason()).isEqualTo(Reason.FAILURE);
        assertThat(failed.reply().text()).contains("staff");

        var templates = new Pipeline(new TemplateAnswerer());
        Decision t = templates.decide(turn("Вы работаете в воскресенье?"));
        assertThat(t.reply().text()).contains("администратору");
        assertThat(t.escalation()).isNotNull();
    }

    @Test
    void aLongAnswerIsCutAtASentenceWithinTheCap() {
        var verbose = new Pipeline(q -> new Answerer.Answer(
                "First sentence here. " + "Second sentence is much longer than the cap allows. ".repeat(40),
                ReplyKind.MODEL,
                0.9,
                List.of(),
                0,
                0,
                0));
        String text = verbose.decide(turn("tell me everything")).reply().text();
        assertThat(text.length()).isLessThanOrEqualTo(settings.maxReplyChars());
        assertThat(text).startsWith("First sentence here.").endsWith("…");
    }
}
