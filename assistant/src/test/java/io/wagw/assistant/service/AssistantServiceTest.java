package io.wagw.assistant.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.pipeline.Answerer;
import io.wagw.assistant.pipeline.Decision.Step;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.service.AssistantService.Inbound;
import io.wagw.assistant.service.AssistantService.Outcome;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.StoreException;
import io.wagw.store.tenant.TenantStatus;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The assistant against a real PostgreSQL: state kept across messages, restarts and nodes, written once. */
class AssistantServiceTest {
    private static SessionStore store;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Answerer answerer =
            q -> new Answerer.Answer("Manicure: 12 000 ₸", ReplyKind.KNOWLEDGE, 0.9, List.of("prices"), 0, 0, 0);
    private AssistantService service;
    private String tenant;
    private String session;

    @BeforeAll
    static void open() throws Exception {
        store = SessionStore.open(StoreConfig.embedded(Files.createTempDirectory("wagw-assistant-test")));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @BeforeEach
    void tenantWithSettings() {
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        session = tenant + "-main";
        store.tenants().create(tenant, "Salon Aida", "free");
        store.tenants().setStatus(tenant, TenantStatus.ACTIVE);
        store.sessions().create(tenant, session, Map.of());
        service = new AssistantService(store, answerer, Clock.system(ZoneOffset.UTC), registry);
        service.saveSettings(
                tenant,
                Map.of(
                        "timezone", "Asia/Almaty",
                        "rateLimit", Map.of("messages", 4, "windowSeconds", 60),
                        "quota", Map.of("monthlyMessages", 5),
                        "escalation",
                                Map.of(
                                        "contacts",
                                        List.of(Map.of("name", "Aida", "phone", "77019998877")),
                                        "cooldownMinutes",
                                        30)));
    }

    private Inbound stored(String phone, String text) {
        String wa = "false_" + phone + "@c.us_" + IDS.incrementAndGet();
        store.messages().recordInbound(session, phone + "@c.us", wa, text, Instant.now());
        return new Inbound(session, tenant, phone + "@c.us", wa, text, "Dana", Instant.now());
    }

    private Outcome handle(Inbound m) {
        return service.handle(service.settings(tenant).orElseThrow(), m, false);
    }

    @Test
    void aTenantWithoutSavedSettingsIsNotAnsweredByTheAssistant() {
        String other = "t-" + UUID.randomUUID().toString().substring(0, 8);
        store.tenants().create(other, "Shop", "free");
        assertThat(service.settings(other)).isEmpty();
        assertThat(service.describeSettings(other)).containsEntry("version", 0L).containsEntry("businessName", "Shop");
        assertThat(service.settings(tenant)).isPresent();
    }

    @Test
    void aMessageHandedOnAgainIsRepliedToButCountedOnce() {
        Inbound m = stored("77011230001", "How much is a manicure?");
        Outcome first = handle(m);
        assertThat(first.decision().step()).isEqualTo(Step.ANSWER);
        assertThat(first.messages()).extracting(AssistantService.Outgoing::text).containsExactly("Manicure: 12 000 ₸");
        Outcome again = new AssistantService(store, answerer, Clock.systemUTC(), registry)
                .handle(service.settings(tenant).orElseThrow(), m, false);
        assertThat(again.repeated()).isTrue();
        assertThat(again.messages()).hasSize(1);
        var customer = store.customers().get(tenant, "77011230001");
        assertThat(customer.messageCount()).isEqualTo(1);
        assertThat(customer.pushName()).isEqualTo("Dana");
        assertThat(customer.language()).isEqualTo("en");
    }

    @Test
    void theRateLimitCountsStoredMessagesSoItHoldsAcrossRestarts() {
        String phone = "77011230002";
        for (int i = 0; i < 4; i++) {
            assertThat(handle(stored(phone, "price " + i)).decision().step()).isEqualTo(Step.ANSWER);
        }
        service = new AssistantService(store, answerer, Clock.systemUTC(), registry); // a restart
        Outcome fifth = handle(stored(phone, "price?"));
        assertThat(fifth.decision().step()).isEqualTo(Step.RATE_LIMITED);
        assertThat(fifth.messages()).hasSize(1);
        Outcome sixth = handle(stored(phone, "price??"));
        assertThat(sixth.decision().step()).isEqualTo(Step.RATE_LIMITED);
        assertThat(sixth.messages()).isEmpty();
        // another customer of the same business is not limited
        assertThat(handle(stored("77011230003", "price?")).decision().step()).isEqualTo(Step.ANSWER);
    }

    @Test
    void anOptOutIsKeptUntilTheCustomerWritesStart() {
        String phone = "77011230004";
        assertThat(handle(stored(phone, "СТОП")).messages()).hasSize(1);
        assertThat(store.customers().get(tenant, phone).optedOut()).isTrue();
        assertThat(handle(stored(phone, "сколько стоит?")).messages()).isEmpty();
        assertThat(handle(stored(phone, "старт")).decision().step()).isEqualTo(Step.OPT_IN);
        assertThat(handle(stored(phone, "сколько стоит?")).decision().step()).isEqualTo(Step.ANSWER);
    }

    @Test
    void anEscalationTellsTheManagerOnceWithinTheCooldownAndIsListedUntilResolved() {
        String phone = "77011230005";
        Outcome first = handle(stored(phone, "Позовите администратора"));
        assertThat(first.messages())
                .extracting(AssistantService.Outgoing::chatId)
                .containsExactly(phone + "@c.us", "77019998877@c.us");
        assertThat(first.messages().get(1).text())
                .contains("Dana")
                .contains("+" + phone)
                .contains("Позовите");
        assertThat(first.events()).extracting(AssistantService.Event::type).containsExactly("assistant.escalation");

        Outcome second = handle(stored(phone, "оператор!"));
        assertThat(second.messages())
                .extracting(AssistantService.Outgoing::chatId)
                .containsExactly(phone + "@c.us");
        assertThat(second.events()).isEmpty();

        var open = store.escalations().list(tenant, "open", 10);
        assertThat(open).hasSize(1);
        assertThat(open.get(0).reason()).isEqualTo("asked_for_person");
        store.escalations().resolve(tenant, open.get(0).id());
        assertThat(store.escalations().list(tenant, "open", 10)).isEmpty();
        assertThat(store.escalations().list(tenant, "resolved", 10)).hasSize(1);
        assertThatThrownBy(() -> store.escalations().resolve(tenant, open.get(0).id() + 1_000_000))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void theQuotaAlertGoesOutOnceAtEightyPercentAndTheLimitStopsAnswers() {
        var events = new java.util.ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            Outcome o = handle(stored("7701123010" + i, "price?"));
            assertThat(o.decision().step()).isEqualTo(Step.ANSWER);
            o.events().forEach(e -> events.add(e.type() + ":" + e.payload().get("level")));
        }
        assertThat(events).containsExactly("quota.alert:80");
        Outcome over = handle(stored("77011230200", "price?"));
        assertThat(over.decision().step()).isEqualTo(Step.QUOTA);
        assertThat(over.events()).extracting(e -> e.payload().get("level")).containsExactly(100);
        assertThat(handle(stored("77011230201", "price?")).events()).isEmpty();
    }

    @Test
    void aHumanReplyPausesTheAssistantInThatChatOnly() {
        service.humanWrote(tenant, "77011230006@c.us");
        assertThat(handle(stored("77011230006", "price?")).decision().step()).isEqualTo(Step.TAKEOVER);
        assertThat(handle(stored("77011230007", "price?")).decision().step()).isEqualTo(Step.ANSWER);
    }

    @Test
    void aCustomersDataIsExportedAndForgottenWithinTheirTenantOnly() {
        String phone = "77011230008";
        handle(stored(phone, "price?"));
        store.customers().addNote(tenant, phone, "prefers Saturdays");
        var export = store.customers().export(tenant, phone);
        assertThat((List<?>) export.get("messages")).hasSize(1);
        assertThat(store.customers().get(tenant, phone).notes())
                .extracting(n -> n.get("text"))
                .containsExactly("prefers Saturdays");

        String other = "t-" + UUID.randomUUID().toString().substring(0, 8);
        store.tenants().create(other, "Shop", "free");
        assertThatThrownBy(() -> store.customers().get(other, phone)).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> store.customers().forget(other, phone)).isInstanceOf(StoreException.NotFound.class);

        var forgotten = store.customers().forget(tenant, phone);
        assertThat(forgotten.messages()).isEqualTo(1);
        assertThat(forgotten.profile()).isTrue();
        assertThatThrownBy(() -> store.customers().get(tenant, phone)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void aMessageAtNightWithQueueingQuietHoursWaitsForOpeningTime() {
        service.saveSettings(
                tenant,
                Map.of("timezone", "UTC", "quietHours", Map.of("from", "00:00", "to", "23:59", "behaviour", "queue")));
        Inbound m = stored("77011230009", "price?");
        Outcome night = handle(m);
        assertThat(night.decision().step()).isEqualTo(Step.QUIET_HOURS);
        assertThat(night.messages()).isEmpty();
        var due = store.turns().due(List.of(session), Instant.now().plusSeconds(86_400), 10);
        assertThat(due).extracting(d -> d.waMessageId()).containsExactly(m.waMessageId());
        assertThat(store.turns().resume(session, m.waMessageId())).isTrue();
        Outcome morning = service.handle(service.settings(tenant).orElseThrow(), m, true);
        assertThat(morning.decision().step()).isEqualTo(Step.ANSWER);
        assertThat(morning.repeated()).isFalse();
        store.turns().undefer(session, m.waMessageId());
        assertThat(store.turns().resume(session, m.waMessageId()))
                .as("answered once")
                .isFalse();
        assertThat(store.turns().due(List.of(session), Instant.now().plusSeconds(86_400), 10))
                .isEmpty();
    }

    @Test
    void aBurstOfMessagesWithinTheDebouncePauseIsAnsweredOnceWithAllOfIt() throws Exception {
        var asked = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var listening = new AssistantService(
                store,
                q -> {
                    asked.add(q.text());
                    return new Answerer.Answer("Gel manicure: 12 000 ₸", ReplyKind.KNOWLEDGE, 0.9, List.of(), 0, 0, 0);
                },
                Clock.systemUTC(),
                registry);
        listening.saveSettings(tenant, Map.of("debounceMs", 400));
        var settings = listening.settings(tenant).orElseThrow();
        String phone = "77011230010";
        Inbound first = stored(phone, "hi");
        Inbound second = stored(phone, "how much is a manicure");
        Inbound third = stored(phone, "with gel");
        // the node hands them on in order on the chat's lane
        Outcome a = listening.handle(settings, first, false);
        Outcome b = listening.handle(settings, second, false);
        Outcome c = listening.handle(settings, third, false);
        assertThat(a.decision().step()).isEqualTo(Step.DEBOUNCED);
        assertThat(a.messages()).isEmpty();
        assertThat(b.decision().step()).isEqualTo(Step.DEBOUNCED);
        assertThat(c.decision().step()).isEqualTo(Step.ANSWER);
        assertThat(c.messages()).extracting(AssistantService.Outgoing::text).containsExactly("Gel manicure: 12 000 ₸");
        assertThat(asked).containsExactly("hi\nhow much is a manicure\nwith gel");
        assertThat(store.customers().get(tenant, phone).messageCount()).isEqualTo(3);

        // the next burst starts afresh
        Inbound later = stored(phone, "and a pedicure?");
        assertThat(listening.handle(settings, later, false).decision().step()).isEqualTo(Step.ANSWER);
        assertThat(asked).last().isEqualTo("and a pedicure?");
    }

    @Test
    void everyTenthMessageRefreshesTheCustomersSummary() {
        String phone = "77011230011";
        for (int i = 0; i < 9; i++) {
            handle(stored(phone, i == 3 ? "Do you work on Sunday?" : "ok " + i));
        }
        assertThat(store.customers().get(tenant, phone).summary()).isNull();
        handle(stored(phone, "How much is a pedicure?"));
        assertThat(store.customers().get(tenant, phone).summary())
                .isEqualTo("Asked: How much is a pedicure?; Do you work on Sunday?");
    }

    @Test
    void theRetentionCleanupDeletesMessagesOlderThanTheTenantKeepsThem() {
        service.saveSettings(tenant, Map.of("retentionDays", 30));
        Inbound old = stored("77011230012", "an old question?");
        handle(old);
        Inbound recent = stored("77011230012", "a new question?");
        handle(recent);
        var sql = org.jdbi.v3.core.Jdbi.create(
                store.jdbcUrl(), "postgres", store.embeddedPassword().orElseThrow());
        sql.useHandle(h -> h.createUpdate(
                        "UPDATE messages SET created_at = created_at - interval '31 days' WHERE wa_message_id = :wa")
                .bind("wa", old.waMessageId())
                .execute());
        service.applyRetention();
        assertThat(store.messages().byWaId(session, old.waMessageId())).isEmpty();
        assertThat(store.messages().byWaId(session, recent.waMessageId())).isPresent();
    }
}
