package io.wagw.node.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wagw.node.session.SessionView;
import io.wagw.node.testing.TestEnv;
import io.wagw.store.SessionStore;
import io.wagw.store.lease.SessionLease;
import io.wagw.store.message.Message;
import io.wagw.store.message.MessageStatus;
import io.wagw.store.session.SessionStatus;
import io.wagw.store.webhook.WebhookDelivery;
import io.wagw.store.webhook.WebhookOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookPublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMER = "77015550101@c.us";
    private static final String ME = "77019990000@c.us";
    private static final Instant SENT_AT = Instant.parse("2025-03-01T10:15:30Z");

    private final SessionStore store = TestEnv.store();
    private final WebhookOutbox outbox = WebhookTestDb.outbox();
    private final WebhookMetrics metrics = new WebhookMetrics();
    private final AtomicInteger wakes = new AtomicInteger();
    private final WebhookPublisher publisher =
            new WebhookPublisher(store.sessions(), outbox, metrics, wakes::incrementAndGet);
    private String session;

    private static final List<Map<String, Object>> WEBHOOKS = List.of(
            Map.of(
                    "url",
                    "https://crm.example/messages",
                    "events",
                    List.of("message"),
                    "hmac",
                    Map.of("key", "k-messages"),
                    "customHeaders",
                    List.of(Map.of("name", "X-Api-Key", "value", "crm-key"))),
            Map.of("url", "https://ops.example/status", "events", List.of("session.status")),
            Map.of("url", "https://all.example/hook", "events", List.of("*")),
            Map.of("url", "https://acks.example/hook", "events", List.of("message.ack")));

    @BeforeEach
    void sessionWithFourWebhooks() {
        session = TestEnv.session(Map.of("webhooks", WEBHOOKS, "metadata", Map.of("branch", "downtown")));
    }

    private List<WebhookDelivery> rows() {
        return outbox.listBySession(session, null, 100).reversed();
    }

    private static Map<String, Object> json(String body) {
        try {
            return JSON.readValue(body, new TypeReference<>() {});
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> payload(WebhookDelivery row) {
        return (Map<String, Object>) json(row.body()).get("payload");
    }

    private Message inbound(String waId, String text) {
        return new Message(
                1,
                session,
                CUSTOMER,
                Message.Direction.IN,
                waId,
                text,
                MessageStatus.RECEIVED,
                0,
                null,
                null,
                SENT_AT,
                SENT_AT.plusMillis(300),
                SENT_AT.plusMillis(300));
    }

    private Message outbound(String waId, int ack) {
        return new Message(
                2,
                session,
                CUSTOMER,
                Message.Direction.OUT,
                waId,
                "We open at 9.",
                MessageStatus.SENT,
                ack,
                1L,
                null,
                SENT_AT,
                SENT_AT,
                SENT_AT);
    }

    private SessionView status(SessionStatus status, String reason, String me) {
        return new SessionView(
                session, status, reason, null, me, me == null ? null : "Salon", "node-a", 1, 0, Instant.now());
    }

    @Test
    void aStatusChangeGoesOnlyToWebhooksSubscribedToSessionStatus() {
        publisher.onStatus(status(SessionStatus.WORKING, null, ME));

        var rows = rows();
        assertThat(rows)
                .extracting(WebhookDelivery::url)
                .containsExactlyInAnyOrder("https://ops.example/status", "https://all.example/hook");
        var body = json(rows.getFirst().body());
        assertThat(body)
                .containsEntry("event", "session.status")
                .containsEntry("session", session)
                .containsEntry("engine", "WEBJS")
                .containsEntry("metadata", Map.of("branch", "downtown"))
                .containsEntry("me", Map.of("id", ME, "pushName", "Salon"));
        assertThat((String) body.get("id")).matches("evt_[0-9a-z]{26}");
        assertThat(((Number) body.get("timestamp")).longValue())
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        assertThat(body.get("payload")).isEqualTo(Map.of("name", session, "status", "WORKING"));
        assertThat(rows).allSatisfy(r -> assertThat(r.event()).isEqualTo("session.status"));
        assertThat(wakes.get()).isEqualTo(1);
        assertThat(metrics.enqueued()).isEqualTo(2);
    }

    @Test
    void aFailureStatusCarriesItsReasonAndMeIsNullBeforeLinking() {
        publisher.onStatus(status(SessionStatus.FAILED, "browser crashed", null));

        var body = json(rows().getFirst().body());
        assertThat(body.get("payload"))
                .isEqualTo(Map.of("name", session, "status", "FAILED", "reason", "browser crashed"));
        assertThat(body).containsEntry("me", null);
    }

    @Test
    void anInboundMessageBecomesAWahaMessageEventForMessageSubscribersOnly() {
        linkSession();

        publisher.onMessage(session, inbound("false_" + CUSTOMER + "_3EB0AAA", "Can I book for 9:00?"));

        var rows = rows();
        assertThat(rows)
                .extracting(WebhookDelivery::url)
                .containsExactlyInAnyOrder("https://crm.example/messages", "https://all.example/hook");
        assertThat(payload(rows.getFirst()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "id",
                        "false_" + CUSTOMER + "_3EB0AAA",
                        "timestamp",
                        (int) SENT_AT.getEpochSecond(),
                        "from",
                        CUSTOMER,
                        "fromMe",
                        false,
                        "to",
                        ME,
                        "body",
                        "Can I book for 9:00?",
                        "hasMedia",
                        false,
                        "ack",
                        0,
                        "ackName",
                        "PENDING"));
        assertThat(json(rows.getFirst().body()))
                .containsEntry("event", "message")
                .containsEntry("me", Map.of("id", ME, "pushName", "Salon"));
    }

    @Test
    void anAckBecomesAWahaMessageAckEventForAckSubscribersOnly() {
        linkSession();

        publisher.onOutbound(session, outbound("true_" + CUSTOMER + "_3EB0BBB", 3));

        var rows = rows();
        assertThat(rows)
                .extracting(WebhookDelivery::url)
                .containsExactlyInAnyOrder("https://acks.example/hook", "https://all.example/hook");
        assertThat(payload(rows.getFirst()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "id",
                        "true_" + CUSTOMER + "_3EB0BBB",
                        "from",
                        ME,
                        "to",
                        CUSTOMER,
                        "fromMe",
                        true,
                        "ack",
                        3,
                        "ackName",
                        "READ"));
        assertThat(json(rows.getFirst().body())).containsEntry("event", "message.ack");
    }

    @Test
    void everyAckLevelHasWahasName() {
        assertThat(List.of(-1, 0, 1, 2, 3, 4).stream().map(WahaPayloads::ackName))
                .containsExactly("ERROR", "PENDING", "SERVER", "DEVICE", "READ", "PLAYED");
    }

    @Test
    void oneEventHasOneBodyForAllItsWebhooksButEachDeliveryItsOwnRequestIdKeyAndHeaders() {
        publisher.onMessage(session, inbound("false_" + CUSTOMER + "_3EB0CCC", "hello"));

        var rows = rows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).body()).isEqualTo(rows.get(1).body());
        assertThat(rows.get(0).requestId())
                .isNotEqualTo(rows.get(1).requestId())
                .startsWith("req_");
        var crm = rows.stream()
                .filter(r -> r.url().startsWith("https://crm"))
                .findFirst()
                .orElseThrow();
        var all = rows.stream()
                .filter(r -> r.url().startsWith("https://all"))
                .findFirst()
                .orElseThrow();
        assertThat(crm.hmacKey()).isEqualTo("k-messages");
        assertThat(crm.headers()).extracting(h -> h.name() + "=" + h.value()).containsExactly("X-Api-Key=crm-key");
        assertThat(crm.retry().maxAttempts()).isEqualTo(10);
        assertThat(all.hmacKey()).isNull();
        assertThat(all.headers()).isEmpty();
    }

    @Test
    void nothingIsEnqueuedWithoutASubscribedWebhookOrForASendWithoutAWhatsAppId() {
        String quiet = TestEnv.session(Map.of("metadata", Map.of()));
        publisher.onMessage(quiet, inbound("false_" + CUSTOMER + "_3EB0DDD", "hi"));
        publisher.onOutbound(session, outbound(null, -1));
        publisher.onStatus(new SessionView(
                "no-such-session-z", SessionStatus.WORKING, null, null, null, null, "n", 1, 0, Instant.now()));

        assertThat(outbox.listBySession(quiet, null, 10)).isEmpty();
        assertThat(rows()).isEmpty();
        assertThat(wakes.get()).isZero();
        assertThat(metrics.enqueueFailures()).isZero();
    }

    @Test
    void aConfigChangeIsSeenOnceTheCacheIsInvalidated() {
        publisher.onStatus(status(SessionStatus.STARTING, null, null));
        store.sessions()
                .updateConfig(
                        session,
                        Map.of(
                                "webhooks",
                                List.of(Map.of(
                                        "url", "https://new.example/hook", "events", List.of("session.status")))));
        publisher.invalidate(session);

        publisher.onStatus(status(SessionStatus.SCAN_QR_CODE, null, null));

        assertThat(rows())
                .extracting(WebhookDelivery::url)
                .containsExactlyInAnyOrder(
                        "https://ops.example/status", "https://all.example/hook", "https://new.example/hook");
    }

    @Test
    void anInvalidStoredConfigDeliversNothingInsteadOfFailingTheRuntime() {
        String broken = TestEnv.session(Map.of("webhooks", List.of(Map.of("url", "ftp://x", "events", List.of("*")))));

        publisher.onStatus(
                new SessionView(broken, SessionStatus.WORKING, null, null, null, null, "n", 1, 0, Instant.now()));

        assertThat(outbox.listBySession(broken, null, 10)).isEmpty();
    }

    @Test
    void aRowTheOutboxRefusesCostsOnlyItsOwnWebhookTheEvent() throws Exception {
        // As the table's check once refused upper-case schemes and with them the whole event.
        try (var refusal = WebhookTestDb.refuseUrlsContaining("ops.example")) {
            publisher.onStatus(status(SessionStatus.WORKING, null, ME));
        }

        assertThat(rows()).extracting(WebhookDelivery::url).containsExactly("https://all.example/hook");
        assertThat(metrics.enqueued()).isEqualTo(1);
        assertThat(metrics.enqueueFailures()).isEqualTo(1);
        assertThat(wakes.get()).isEqualTo(1);
    }

    /** Records the session's own WhatsApp id in the store, as the runtime does once linked. */
    private void linkSession() {
        SessionLease lease = store.leases()
                .acquire(session, "node-a", Duration.ofSeconds(30))
                .orElseThrow();
        try {
            store.sessions().recordMe(lease, ME, "Salon");
        } finally {
            store.leases().release(lease);
        }
        publisher.invalidate(session);
    }
}
