package io.wagw.node.webhook;

import static io.wagw.node.webhook.WebhookDispatcher.CONNECTION_FAILED;
import static io.wagw.node.webhook.WebhookDispatcher.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.TestEnv;
import io.wagw.store.message.Message;
import io.wagw.store.message.MessageStatus;
import io.wagw.store.webhook.DeliveryStatus;
import io.wagw.store.webhook.WebhookDelivery;
import io.wagw.store.webhook.WebhookOutbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher against a real local HTTP receiver and the real outbox. Events are produced by the
 * real {@link WebhookPublisher}; retries use 50 ms delays capped at 200 ms. The receivers listen on
 * 127.0.0.1, which a node refuses unless its allow-list says otherwise, so most tests allow 127.0.0.0/8.
 */
class WebhookDispatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String CUSTOMER = "77015550123@c.us";
    private static final String KEY = "hmac-test-key";
    static final DestinationPolicy LOOPBACK_ALLOWED = new DestinationPolicy(List.of(Cidr.parse("127.0.0.0/8")));
    private static Vertx vertx;

    private final WebhookOutbox outbox = WebhookTestDb.outbox();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicInteger messageSeq = new AtomicInteger();
    private String session;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void noLeftoverRows() {
        WebhookTestDb.retireUnfinishedRows();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private static WebhookDispatcher.Settings settings(
            Duration claimLease, Duration requestTimeout, Duration shutdownGrace) {
        return new WebhookDispatcher.Settings(
                Duration.ofMillis(50),
                20,
                4,
                claimLease,
                requestTimeout,
                Duration.ofMillis(200),
                shutdownGrace,
                Duration.ofDays(7));
    }

    private WebhookDispatcher dispatcher(String node, WebhookDispatcher.Settings settings) {
        return dispatcher(node, settings, WebhookDestinations.system(LOOPBACK_ALLOWED), null);
    }

    private WebhookDispatcher dispatcher(
            String node, WebhookDispatcher.Settings settings, WebhookDestinations destinations, TrustOptions trust) {
        var sender = new WebhookSender(vertx, destinations, settings.requestTimeout(), trust);
        var d = new WebhookDispatcher(outbox, node, settings, new WebhookMetrics(), sender);
        toClose.add(d);
        return d;
    }

    private WebhookDispatcher startedDispatcher(String node) {
        return dispatcher(node, settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .start();
    }

    private Receiver receiver(Receiver.Script script) {
        var r = Receiver.start(script);
        toClose.add(r);
        return r;
    }

    private static Map<String, Object> webhook(String url, int attempts) {
        Map<String, Object> w = new HashMap<>();
        w.put("url", url);
        w.put("events", List.of("*"));
        w.put("retries", Map.of("attempts", attempts, "delaySeconds", 0.05, "policy", "exponential"));
        return w;
    }

    private WebhookPublisher publisherFor(Map<String, Object> config, WebhookDispatcher dispatcher) {
        session = TestEnv.session(config);
        return new WebhookPublisher(
                TestEnv.store().sessions(), outbox, new WebhookMetrics(), dispatcher == null ? null : dispatcher::wake);
    }

    /** Publishes inbound messages; returns their WhatsApp ids in order. */
    private List<String> publishMessages(WebhookPublisher publisher, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String waId = "false_" + CUSTOMER + "_MSG" + messageSeq.incrementAndGet();
            Instant now = Instant.now();
            publisher.onMessage(
                    session,
                    new Message(
                            i,
                            session,
                            CUSTOMER,
                            Message.Direction.IN,
                            waId,
                            "Customer text number " + i,
                            MessageStatus.RECEIVED,
                            0,
                            null,
                            null,
                            now,
                            now,
                            now));
            ids.add(waId);
        }
        return ids;
    }

    private static List<Object> payloadIds(List<Receiver.Hit> hits) {
        return hits.stream().map(h -> h.payload().get("id")).toList();
    }

    private List<WebhookDelivery> rows(DeliveryStatus status) {
        return outbox.listBySession(session, status, 100);
    }

    /** Records the webhook package's log, DEBUG and up, until the test ends. */
    private ListAppender<ILoggingEvent> webhookLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.wagw.node.webhook");
        var logs = new ListAppender<ILoggingEvent>();
        logs.start();
        logger.addAppender(logs);
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        toClose.add(() -> {
            logger.detachAppender(logs);
            logger.setLevel(level);
        });
        return logs;
    }

    /** A DNS that knows only {@code names}; every other name does not resolve. */
    private static WebhookDestinations.Resolver dns(Map<String, List<String>> names, AtomicInteger lookups) {
        return host -> {
            lookups.incrementAndGet();
            List<String> addresses = names.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            return addresses.stream().map(CidrTest::ip).toList();
        };
    }

    private static List<Map<String, Object>> webhooks(List<String> urls, int attempts) {
        return urls.stream().map(u -> webhook(u, attempts)).toList();
    }

    @Test
    void aSignedWebhookArrivesWithWahaHeadersAndAnHmacOfTheExactBody() {
        var receiver = receiver((n, hit) -> 200);
        var dispatcher = startedDispatcher("node-a");
        Map<String, Object> signed = webhook(receiver.url("/signed"), 3);
        signed.put("hmac", Map.of("key", KEY));
        signed.put("customHeaders", List.of(Map.of("name", "X-Api-Key", "value", "crm-key")));
        var publisher =
                publisherFor(Map.of("webhooks", List.of(signed, webhook(receiver.url("/plain"), 3))), dispatcher);
        long before = System.currentTimeMillis();

        publishMessages(publisher, 1);

        Await.until(
                "both webhooks delivered",
                WAIT,
                () -> rows(DeliveryStatus.DELIVERED).size() == 2);
        var signedHit = receiver.hits.stream()
                .filter(h -> h.path().equals("/signed"))
                .findFirst()
                .orElseThrow();
        var signedRow = rows(null).stream()
                .filter(r -> r.url().endsWith("/signed"))
                .findFirst()
                .orElseThrow();
        assertThat(signedHit.header("Content-Type")).isEqualTo("application/json");
        assertThat(signedHit.header("X-Webhook-Request-Id")).isEqualTo(signedRow.requestId());
        assertThat(Long.parseLong(signedHit.header("X-Webhook-Timestamp")))
                .isBetween(before, System.currentTimeMillis());
        assertThat(signedHit.header("X-Webhook-Hmac-Algorithm")).isEqualTo("sha512");
        assertThat(WebhookSigner.verify(
                        KEY, signedHit.body().getBytes(StandardCharsets.UTF_8), signedHit.header("X-Webhook-Hmac")))
                .as("HMAC over the raw body")
                .isTrue();
        assertThat(signedHit.body()).isEqualTo(signedRow.body());
        assertThat(signedHit.header("X-Api-Key")).isEqualTo("crm-key");
        assertThat(signedHit.json()).containsEntry("event", "message").containsEntry("session", session);

        var plainHit = receiver.hits.stream()
                .filter(h -> h.path().equals("/plain"))
                .findFirst()
                .orElseThrow();
        assertThat(plainHit.header("X-Webhook-Hmac")).isNull();
        assertThat(plainHit.header("X-Webhook-Hmac-Algorithm")).isNull();
        assertThat(plainHit.header("X-Api-Key")).isNull();
        assertThat(plainHit.body()).as("one event, one body").isEqualTo(signedHit.body());
        assertThat(signedRow.lastHttpStatus()).isEqualTo(200);
        assertThat(dispatcher.metrics().delivered()).isEqualTo(2);
    }

    @Test
    void aReceiverAnswering500ForAWhileGetsEveryEventExactlyOnceInOrder() {
        var healthy = new AtomicBoolean(false);
        var receiver = receiver((n, hit) -> healthy.get() ? 200 : 500);
        var dispatcher = startedDispatcher("node-a");
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(receiver.url("/hook"), 30))), dispatcher);

        List<String> sent = publishMessages(publisher, 8);
        Await.until("a few failed attempts", WAIT, () -> receiver.hits.size() >= 4);
        healthy.set(true);

        Await.until("all delivered", WAIT, () -> rows(DeliveryStatus.DELIVERED).size() == 8);
        assertThat(payloadIds(receiver.accepted())).containsExactlyElementsOf(sent);
        assertThat(receiver.hits.stream()
                        .filter(h -> !h.accepted())
                        .map(h -> h.payload().get("id"))
                        .distinct()
                        .toList())
                .as("while failing, only the oldest event is tried; the rest wait behind it")
                .containsExactly(sent.getFirst());
        assertThat(dispatcher.metrics().delivered()).isEqualTo(8);
        assertThat(dispatcher.metrics().retried()).isGreaterThanOrEqualTo(4);
        assertThat(dispatcher.metrics().dead()).isZero();
    }

    @Test
    void aReceiverThatIsDownForAWhileGetsEveryEventInOrderOnceItIsBack() {
        int port = TestEnv.freePort();
        var dispatcher = startedDispatcher("node-a");
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(Receiver.url(port, "/hook"), 30))), dispatcher);

        List<String> sent = publishMessages(publisher, 5);
        Await.until(
                "connection refused a few times",
                WAIT,
                () -> rows(null).stream().anyMatch(r -> r.attempts() >= 3 && CONNECTION_FAILED.equals(r.lastError())));
        assertThat(rows(DeliveryStatus.PENDING)).hasSize(5);
        var receiver = Receiver.startOn(port, (n, hit) -> 200);
        toClose.add(receiver);

        Await.until("all delivered", WAIT, () -> rows(DeliveryStatus.DELIVERED).size() == 5);
        assertThat(payloadIds(receiver.hits)).containsExactlyElementsOf(sent);
    }

    @Test
    void aBadRequestIsNotRetriedAndBecomesADeadLetterVisibleForTheSessionThatCanBeRequeued() {
        var answer = new AtomicInteger(400);
        var receiver = receiver((n, hit) -> answer.get());
        var dispatcher = startedDispatcher("node-a");
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(receiver.url("/hook"), 10))), dispatcher);
        var logs = webhookLogs();
        List<String> sent = publishMessages(publisher, 2);

        Await.until("both dead", WAIT, () -> rows(DeliveryStatus.DEAD).size() == 2);
        sleep(400); // several backoff periods: nothing more may arrive
        assertThat(receiver.hits).hasSize(2);
        assertThat(rows(DeliveryStatus.DEAD)).allSatisfy(r -> {
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.lastHttpStatus()).isEqualTo(400);
            assertThat(r.lastError()).isEqualTo("HTTP 400");
        });
        assertThat(dispatcher.metrics().dead()).isEqualTo(2);
        assertThat(dispatcher.metrics().retried()).isZero();
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains(session).contains("dead"))
                .allSatisfy(m -> assertThat(m).doesNotContain("Customer text", "77015550123"));

        answer.set(200);
        assertThat(outbox.retryAllDead(session)).isEqualTo(2);
        dispatcher.wake();
        Await.until(
                "re-queued rows delivered",
                WAIT,
                () -> rows(DeliveryStatus.DELIVERED).size() == 2);
        assertThat(payloadIds(receiver.accepted())).containsExactlyElementsOf(sent);
    }

    @Test
    void tooManyRequestsAndRequestTimeoutAreRetried() {
        var receiver = receiver((n, hit) -> switch (n) {
            case 0 -> 429;
            case 1 -> 408;
            default -> 200;
        });
        var dispatcher = startedDispatcher("node-a");
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(receiver.url("/hook"), 5))), dispatcher);

        publishMessages(publisher, 1);

        Await.until("delivered", WAIT, () -> rows(DeliveryStatus.DELIVERED).size() == 1);
        assertThat(receiver.hits).extracting(Receiver.Hit::status).containsExactly(429, 408, 200);
        assertThat(receiver.hits)
                .extracting(h -> h.header("X-Webhook-Request-Id"))
                .as("same request id on every attempt")
                .containsOnly(rows(null).getFirst().requestId());
        assertThat(rows(null).getFirst().attempts()).isEqualTo(3);
        assertThat(dispatcher.metrics().retried()).isEqualTo(2);
        assertThat(dispatcher.metrics().delivered()).isEqualTo(1);
    }

    @Test
    void aReceiverTooSlowToAnswerIsRetried() {
        var receiver = receiver((n, hit) -> {
            if (n == 0) {
                Thread.sleep(1500);
            }
            return 200;
        });
        var dispatcher = dispatcher(
                        "node-a", settings(Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(1)))
                .start();
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(receiver.url("/hook"), 5))), dispatcher);

        publishMessages(publisher, 1);

        Await.until("delivered", WAIT, () -> rows(DeliveryStatus.DELIVERED).size() == 1);
        assertThat(rows(null).getFirst().attempts()).isEqualTo(2);
        assertThat(dispatcher.metrics().retried()).isEqualTo(1);
    }

    @Test
    void oneFailingWebhookDoesNotHoldBackAnotherWebhookOfTheSameSession() {
        var receiver = receiver((n, hit) -> hit.path().equals("/down") ? 503 : 200);
        var dispatcher = startedDispatcher("node-a");
        var publisher = publisherFor(
                Map.of("webhooks", List.of(webhook(receiver.url("/down"), 50), webhook(receiver.url("/up"), 50))),
                dispatcher);

        List<String> sent = publishMessages(publisher, 3);

        Await.until(
                "the healthy webhook got everything",
                WAIT,
                () -> receiver.accepted().size() == 3);
        assertThat(payloadIds(receiver.accepted())).containsExactlyElementsOf(sent);
        assertThat(rows(DeliveryStatus.PENDING))
                .extracting(WebhookDelivery::url)
                .containsOnly(receiver.url("/down"));
    }

    @Test
    void rowsClaimedByANodeThatDiedAreDeliveredByAnotherNodeOnceTheClaimLapses() {
        var receiver = receiver((n, hit) -> 200);
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(receiver.url("/hook"), 5))), null);
        List<String> sent = publishMessages(publisher, 3);
        // The crashed node claimed the head row and never marked it.
        var crashed = outbox.claimDue("node-crashed", 10, Duration.ofMillis(800)).stream()
                .filter(r -> r.session().equals(session))
                .toList();
        assertThat(crashed).hasSize(1);
        long claimedAt = System.nanoTime();

        var survivor = startedDispatcher("node-b");

        Await.until("all delivered", WAIT, () -> rows(DeliveryStatus.DELIVERED).size() == 3);
        assertThat(System.nanoTime() - claimedAt)
                .as("not before the claim lapsed")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(700));
        assertThat(payloadIds(receiver.hits)).containsExactlyElementsOf(sent);
        var head = rows(null).stream()
                .filter(r -> r.id() == crashed.getFirst().id())
                .findFirst()
                .orElseThrow();
        assertThat(head.claimedBy()).isEqualTo("node-b");
        assertThat(head.attempts()).isEqualTo(2);
        assertThat(survivor.metrics().delivered()).isEqualTo(3);
    }

    @Test
    void aDispatcherClosedMidRequestLeavesTheRowToAnotherDispatcherOnceTheClaimLapses() throws Exception {
        var arrived = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var receiver = receiver((n, hit) -> {
            if (n == 0) {
                arrived.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
            return 200;
        });
        // No grace: close abandons what is in flight, as a crash would.
        var first = dispatcher("node-a", settings(Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ZERO))
                .start();
        var publisher = publisherFor(Map.of("webhooks", List.of(webhook(receiver.url("/hook"), 5))), first);
        List<String> sent = publishMessages(publisher, 1);
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

        first.close();
        release.countDown();
        assertThat(rows(null)).singleElement().satisfies(r -> {
            assertThat(r.status()).as("abandoned unmarked").isEqualTo(DeliveryStatus.DELIVERING);
            assertThat(r.claimedBy()).isEqualTo("node-a");
        });
        var second = startedDispatcher("node-b");

        Await.until(
                "delivered by the second dispatcher",
                WAIT,
                () -> rows(DeliveryStatus.DELIVERED).size() == 1);
        var row = rows(null).getFirst();
        assertThat(row.claimedBy()).isEqualTo("node-b");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(first.metrics().delivered()
                        + first.metrics().retried()
                        + first.metrics().dead())
                .isZero();
        assertThat(second.metrics().delivered()).isEqualTo(1);
        // At least once: the receiver saw the abandoned attempt too, with the same request id to dedupe on.
        assertThat(receiver.hits)
                .hasSize(2)
                .extracting(h -> h.header("X-Webhook-Request-Id"))
                .containsOnly(row.requestId());
        assertThat(payloadIds(receiver.hits)).containsOnly(sent.getFirst());
    }

    @Test
    void withoutAnAllowListLoopbackPrivateAndMetadataDestinationsAreRefusedAndNothingIsSent() {
        var receiver = receiver((n, hit) -> 200);
        int port = receiver.port();
        var lookups = new AtomicInteger();
        // Names are resolved when a webhook is sent: each of these could have resolved to a public address when
        // configured.
        var names = dns(
                Map.of(
                        "rebound.test",
                        List.of("127.0.0.1"),
                        "mixed.test",
                        List.of("93.184.216.34", "127.0.0.1"),
                        "metadata.test",
                        List.of("169.254.169.254"),
                        "intranet.test",
                        List.of("10.0.0.7")),
                lookups);
        var dispatcher = dispatcher(
                        "node-a",
                        settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2)),
                        new WebhookDestinations(DestinationPolicy.PUBLIC_ONLY, names),
                        null)
                .start();
        var logs = webhookLogs();
        List<String> urls = List.of(
                receiver.url("/literal"),
                "http://[::ffff:127.0.0.1]:" + port + "/mapped",
                "http://rebound.test:" + port + "/rebound",
                "http://mixed.test:" + port + "/mixed",
                "http://metadata.test/latest/meta-data/",
                "http://[fd00:ec2::254]/latest/meta-data/",
                "http://intranet.test:5701/");
        var publisher = publisherFor(Map.of("webhooks", webhooks(urls, 5)), dispatcher);

        publishMessages(publisher, 1);

        Await.until(
                "every delivery refused", WAIT, () -> rows(DeliveryStatus.DEAD).size() == urls.size());
        assertThat(rows(null)).allSatisfy(r -> {
            assertThat(r.lastError()).isEqualTo(REFUSED);
            assertThat(r.lastHttpStatus()).isNull();
            assertThat(r.attempts()).as("a refusal is not retried").isEqualTo(1);
        });
        assertThat(receiver.hits).isEmpty();
        assertThat(lookups).hasValue(4);
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains(session, "rebound.test resolved to 127.0.0.1 (loopback)"))
                .anySatisfy(m -> assertThat(m).contains("mixed.test resolved to 127.0.0.1 (loopback)"))
                .anySatisfy(m -> assertThat(m).contains("metadata.test resolved to 169.254.169.254 (cloud metadata)"))
                .anySatisfy(m -> assertThat(m).contains("intranet.test resolved to 10.0.0.7 (private)"))
                .anySatisfy(m -> assertThat(m).contains("[::ffff:127.0.0.1] (loopback)"));
        assertThat(dispatcher.metrics().dead()).isEqualTo(urls.size());
    }

    @Test
    void aNameIsResolvedOnceAndTheRequestGoesToTheAddressThatWasChecked() {
        var receiver = receiver((n, hit) -> 200);
        var lookups = new AtomicInteger();
        // .test names never resolve (RFC 6761): the request can only arrive through the checked address.
        var names = dns(Map.of("receiver.test", List.of("127.0.0.1")), lookups);
        var dispatcher = dispatcher(
                        "node-a",
                        settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2)),
                        new WebhookDestinations(LOOPBACK_ALLOWED, names),
                        null)
                .start();
        var publisher = publisherFor(
                Map.of("webhooks", List.of(webhook("http://Receiver.TEST:" + receiver.port() + "/Hook?Token=AbC", 3))),
                dispatcher);

        publishMessages(publisher, 1);

        Await.until("delivered", WAIT, () -> rows(DeliveryStatus.DELIVERED).size() == 1);
        assertThat(receiver.hits).singleElement().satisfies(h -> {
            assertThat(h.header("Host")).isEqualTo("receiver.test:" + receiver.port());
            assertThat(h.path()).isEqualTo("/Hook");
        });
        assertThat(lookups).hasValue(1);
        assertThat(rows(null).getFirst().url())
                .as("scheme and host in lower case, the rest as given")
                .isEqualTo("http://receiver.test:" + receiver.port() + "/Hook?Token=AbC");
    }

    @Test
    void everyFailureWithoutAnHttpAnswerLooksTheSameToTheCallerWhileTheLogTellsThemApart() throws Exception {
        int closedPort = TestEnv.freePort();
        var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // connects, never answers
        toClose.add(silent);
        var notHttp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        toClose.add(notHttp);
        Thread.ofVirtual().start(() -> {
            while (!notHttp.isClosed()) {
                try (Socket s = notHttp.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        var dispatcher = dispatcher(
                        "node-a",
                        settings(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                        new WebhookDestinations(LOOPBACK_ALLOWED, dns(Map.of(), new AtomicInteger())),
                        null)
                .start();
        var logs = webhookLogs();
        List<String> urls = List.of(
                Receiver.url(closedPort, "/closed"),
                Receiver.url(silent.getLocalPort(), "/silent"),
                Receiver.url(notHttp.getLocalPort(), "/ssh"),
                "http://nowhere.test/hook");
        var publisher = publisherFor(Map.of("webhooks", webhooks(urls, 1)), dispatcher);

        publishMessages(publisher, 1);

        Await.until(
                "every delivery failed", WAIT, () -> rows(DeliveryStatus.DEAD).size() == urls.size());
        assertThat(rows(null)).allSatisfy(r -> {
            assertThat(r.lastError()).isEqualTo(CONNECTION_FAILED);
            assertThat(r.lastHttpStatus()).isNull();
        });
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains(":" + closedPort, "Connection refused"))
                .anySatisfy(m -> assertThat(m).contains(":" + silent.getLocalPort(), "no answer within 1000 ms"))
                .anySatisfy(m -> assertThat(m).contains(":" + notHttp.getLocalPort(), "invalid version format"))
                .anySatisfy(m -> assertThat(m).contains("cannot resolve nowhere.test"));
    }

    @Test
    void anHttpsReceiverIsVerifiedAsTheUrlsHostWhileTheConnectionGoesToTheCheckedAddress() throws Exception {
        Path dir = Files.createTempDirectory("webhook-tls");
        keytool(
                "-genkeypair",
                "-alias",
                "receiver",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=receiver.test",
                "-ext",
                "SAN=dns:receiver.test",
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("receiver.p12").toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "receiver",
                "-keystore",
                dir.resolve("receiver.p12").toString(),
                "-storepass",
                "changeit",
                "-file",
                dir.resolve("receiver.pem").toString());
        List<String> serverNames = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setSni(true)
                        .setKeyCertOptions(new PfxOptions()
                                .setPath(dir.resolve("receiver.p12").toString())
                                .setPassword("changeit")))
                .requestHandler(request -> {
                    serverNames.add(request.connection().indicatedServerName());
                    request.response().setStatusCode(204).end();
                })
                .listen(0, "127.0.0.1")
                .await();
        toClose.add(() -> server.close().await());
        int port = server.actualPort();
        var names = dns(
                Map.of("receiver.test", List.of("127.0.0.1"), "impostor.test", List.of("127.0.0.1")),
                new AtomicInteger());
        // Generous timeouts: the JVM's first TLS handshake is slow on a busy machine.
        var dispatcher = dispatcher(
                        "node-a",
                        settings(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(2)),
                        new WebhookDestinations(LOOPBACK_ALLOWED, names),
                        new PemTrustOptions()
                                .addCertPath(dir.resolve("receiver.pem").toString()))
                .start();
        var logs = webhookLogs();
        var publisher = publisherFor(
                Map.of(
                        "webhooks",
                        webhooks(
                                List.of(
                                        "https://receiver.test:" + port + "/tls",
                                        "https://impostor.test:" + port + "/tls"),
                                1)),
                dispatcher);

        publishMessages(publisher, 1);

        Await.until(
                "both done",
                WAIT,
                () -> rows(DeliveryStatus.DELIVERED).size()
                                + rows(DeliveryStatus.DEAD).size()
                        == 2);
        assertThat(rows(DeliveryStatus.DELIVERED)).singleElement().satisfies(r -> {
            assertThat(r.url()).contains("receiver.test");
            assertThat(r.lastHttpStatus()).isEqualTo(204);
        });
        assertThat(rows(DeliveryStatus.DEAD)).singleElement().satisfies(r -> {
            assertThat(r.url()).as("its certificate does not name this host").contains("impostor.test");
            assertThat(r.lastError()).isEqualTo(CONNECTION_FAILED);
        });
        assertThat(serverNames).containsExactly("receiver.test");
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m)
                        .contains("impostor.test", "No subject alternative DNS name matching impostor.test"));
    }

    @Test
    void oneBadWebhookInAStoredConfigNeverStopsTheOthers() {
        var receiver = receiver((n, hit) -> 200);
        var dispatcher = startedDispatcher("node-a");
        Map<String, Object> invalid = webhook(receiver.url("/invalid"), 3);
        invalid.put("events", List.of("presence.update"));
        // Stored around the API, as configurations written before validation existed are.
        var publisher = publisherFor(
                Map.of(
                        "webhooks",
                        List.of(
                                webhook(receiver.url("/first"), 3),
                                invalid,
                                webhook("HTTP://127.0.0.1:" + receiver.port() + "/upper", 3))),
                dispatcher);

        publishMessages(publisher, 1);

        Await.until(
                "both valid webhooks delivered",
                WAIT,
                () -> rows(DeliveryStatus.DELIVERED).size() == 2);
        assertThat(receiver.hits).extracting(Receiver.Hit::path).containsExactlyInAnyOrder("/first", "/upper");
        assertThat(rows(null))
                .extracting(WebhookDelivery::url)
                .containsExactlyInAnyOrder(receiver.url("/first"), receiver.url("/upper"));
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool: " + output).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
