package io.wagw.store.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookOutboxTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static Jdbi jdbi;

    private final SessionStore store = TestStore.get();
    private final WebhookOutbox outbox = new WebhookOutbox(pooledJdbi());
    private String tenant;
    private String session;

    private static synchronized Jdbi pooledJdbi() {
        if (jdbi == null) {
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(TestStore.get().jdbcUrl());
            hc.setPassword(TestStore.get().embeddedPassword().orElseThrow());
            hc.setUsername("postgres");
            hc.setMaximumPoolSize(12);
            hc.setPoolName("outbox-test");
            jdbi = Jdbi.create(new HikariDataSource(hc))
                    .installPlugin(new SqlObjectPlugin())
                    .installPlugin(new PostgresPlugin());
        }
        return jdbi;
    }

    @BeforeEach
    void freshSessionAndNoUnfinishedRowsOfOtherTests() {
        // claimDue is cluster-wide: rows left unfinished by earlier tests would be claimed here too.
        TestStore.jdbi().useHandle(h -> h.execute("""
                UPDATE webhook_deliveries SET status = 'dead', claim_token = NULL, claim_expires_at = NULL
                 WHERE status IN ('pending', 'delivering')
                """));
        tenant = TestStore.unique("wh");
        session = TestStore.unique("wh");
        store.tenants().create(tenant, "Webhook tenant", "free");
        store.sessions().create(tenant, session, Map.of());
    }

    private static NewDelivery delivery(String url, String event, int maxAttempts) {
        return new NewDelivery(
                url,
                event,
                "req_" + UUID.randomUUID(),
                "{\"event\":\"" + event + "\"}",
                null,
                List.of(),
                new RetryPlan(maxAttempts, "exponential", Duration.ofSeconds(1)));
    }

    private WebhookDelivery enqueueOne(String url, int maxAttempts) {
        return outbox.enqueue(session, List.of(delivery(url, "message", maxAttempts)))
                .getFirst();
    }

    private List<WebhookDelivery> claimMine(String node, Duration lease) {
        return outbox.claimDue(node, 100, lease).stream()
                .filter(d -> d.session().equals(session))
                .toList();
    }

    @Test
    void oneEventIsStoredAsOneRowPerWebhookWithTheExactBodyKeyAndHeaders() {
        String body = "{ \"id\" : \"evt_1\",  \"payload\": {\"body\": \"Привет — 9:00?\"} }";
        var signed = new NewDelivery(
                "https://a.example/hook?token=x",
                "message",
                "req_" + UUID.randomUUID(),
                body,
                "s3cret",
                List.of(new WebhookHeader("X-Api-Key", "k1"), new WebhookHeader("X-Api-Key", "k2")),
                new RetryPlan(10, "exponential", Duration.ofSeconds(5)));
        var plain = new NewDelivery(
                "http://b.example/hook",
                "message",
                "req_" + UUID.randomUUID(),
                body,
                null,
                null,
                new RetryPlan(3, "constant", Duration.ofMillis(250)));

        var stored = outbox.enqueue(session, List.of(signed, plain));

        assertThat(stored)
                .extracting(WebhookDelivery::url)
                .containsExactly("https://a.example/hook?token=x", "http://b.example/hook");
        var listed = outbox.listBySession(session, DeliveryStatus.PENDING, 10);
        assertThat(listed).hasSize(2).allSatisfy(d -> {
            assertThat(d.body()).isEqualTo(body);
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.attempts()).isZero();
            assertThat(d.session()).isEqualTo(session);
        });
        var a = listed.stream()
                .filter(d -> d.url().startsWith("https"))
                .findFirst()
                .orElseThrow();
        assertThat(a.hmacKey()).isEqualTo("s3cret");
        assertThat(a.headers())
                .containsExactly(new WebhookHeader("X-Api-Key", "k1"), new WebhookHeader("X-Api-Key", "k2"));
        assertThat(a.retry()).isEqualTo(new RetryPlan(10, "exponential", Duration.ofSeconds(5)));
        var b = listed.stream()
                .filter(d -> d.url().startsWith("http:"))
                .findFirst()
                .orElseThrow();
        assertThat(b.hmacKey()).isNull();
        assertThat(b.headers()).isEmpty();
        assertThat(b.retry()).isEqualTo(new RetryPlan(3, "constant", Duration.ofMillis(250)));
    }

    @Test
    void concurrentClaimersNeverGetTheSameRow() throws Exception {
        int rows = 200;
        List<NewDelivery> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            batch.add(delivery("http://receiver.test/hook/" + i, "message", 3));
        }
        outbox.enqueue(session, batch);

        int claimers = 8;
        var start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(claimers)) {
            for (int c = 0; c < claimers; c++) {
                String node = "node-" + c;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    List<WebhookDelivery> got;
                    while (!(got = outbox.claimDue(node, 7, LEASE)).isEmpty()) {
                        got.forEach(d -> mine.add(d.id()));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            Set<Integer> claimersWithRows = new java.util.HashSet<>();
            for (int c = 0; c < claimers; c++) {
                List<Long> mine = results.get(c).get();
                all.addAll(mine);
                if (!mine.isEmpty()) {
                    claimersWithRows.add(c);
                }
            }
            assertThat(all).hasSize(rows).doesNotHaveDuplicates();
            assertThat(claimersWithRows).as("claimers that got rows").hasSizeGreaterThan(1);
        }
        assertThat(outbox.countsBySession(session))
                .containsEntry(DeliveryStatus.DELIVERING, (long) rows)
                .containsEntry(DeliveryStatus.PENDING, 0L);
    }

    @Test
    void oneWebhookReceivesASessionsRowsOneAtATimeInEnqueueOrderEvenWithConcurrentClaimers() throws Exception {
        int rows = 30;
        List<Long> enqueued = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            enqueued.add(enqueueOne("http://receiver.test/ordered", 3).id());
        }
        List<Long> deliveredOrder = Collections.synchronizedList(new ArrayList<>());
        var inFlight = new AtomicInteger();
        var maxInFlight = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(6)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                String node = "node-" + c;
                workers.add(pool.submit(() -> {
                    while (deliveredOrder.size() < rows) {
                        for (var d : outbox.claimDue(node, 5, LEASE)) {
                            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            deliveredOrder.add(d.id());
                            inFlight.decrementAndGet();
                            assertThat(outbox.markDelivered(d, 200)).isPresent();
                        }
                    }
                    return null;
                }));
            }
            for (var w : workers) {
                w.get();
            }
        }
        assertThat(deliveredOrder).containsExactlyElementsOf(enqueued);
        assertThat(maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void aLaterEventWaitsForTheEarlierOneToTheSameWebhookButNotForOtherWebhooks() {
        var first = enqueueOne("http://a.test/hook", 3);
        var second = enqueueOne("http://a.test/hook", 3);
        var other = enqueueOne("http://b.test/hook", 3);

        var claimed = claimMine("node-a", LEASE);
        assertThat(claimed).extracting(WebhookDelivery::id).containsExactlyInAnyOrder(first.id(), other.id());
        assertThat(claimMine("node-a", LEASE))
                .as("second waits while the first is in flight")
                .isEmpty();

        var firstClaim =
                claimed.stream().filter(d -> d.id() == first.id()).findFirst().orElseThrow();
        outbox.markFailed(firstClaim, 503, "HTTP 503", Duration.ZERO);
        assertThat(claimMine("node-a", LEASE))
                .as("the failed first is retried before the second")
                .extracting(WebhookDelivery::id)
                .containsExactly(first.id());
    }

    @Test
    void aDeadRowStopsBlockingTheRowsAfterIt() {
        var first = enqueueOne("http://a.test/hook", 1);
        var second = enqueueOne("http://a.test/hook", 1);
        var claim = claimMine("node-a", LEASE).getFirst();
        assertThat(claim.id()).isEqualTo(first.id());

        var dead = outbox.markFailed(claim, 500, "HTTP 500", Duration.ZERO).orElseThrow();

        assertThat(dead.status()).as("single attempt allowed").isEqualTo(DeliveryStatus.DEAD);
        assertThat(claimMine("node-a", LEASE)).extracting(WebhookDelivery::id).containsExactly(second.id());
    }

    @Test
    void anExpiredClaimIsReclaimedByAnotherNodeAndTheOldClaimerCanNoLongerMarkIt() {
        var row = enqueueOne("http://a.test/hook", 5);
        var byA = claimMine("node-a", Duration.ofMillis(200)).getFirst();
        assertThat(byA.claimedBy()).isEqualTo("node-a");
        assertThat(byA.attempts()).isEqualTo(1);
        assertThat(claimMine("node-b", LEASE))
                .as("while node-a's claim is live")
                .isEmpty();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<WebhookDelivery> byB;
        while ((byB = claimMine("node-b", LEASE)).isEmpty() && System.nanoTime() < deadline) {
            sleep(50);
        }

        assertThat(byB).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(row.id());
            assertThat(d.claimedBy()).isEqualTo("node-b");
            assertThat(d.attempts()).as("the lapsed claim counts as an attempt").isEqualTo(2);
            assertThat(d.claimToken()).isNotEqualTo(byA.claimToken());
        });
        assertThat(outbox.markDelivered(byA, 200))
                .as("node-a's claim was taken over")
                .isEmpty();
        assertThat(outbox.markFailed(byA, 500, "late", Duration.ZERO)).isEmpty();
        assertThat(outbox.markDelivered(byB.getFirst(), 204)).get().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.lastHttpStatus()).isEqualTo(204);
            assertThat(d.deliveredAt()).isNotNull();
        });
    }

    @Test
    void aClaimThatLapsesDuringTheLastAttemptMakesTheRowDead() {
        var row = enqueueOne("http://a.test/hook", 1);
        assertThat(claimMine("node-a", Duration.ofMillis(150))).hasSize(1);
        sleep(300);

        assertThat(claimMine("node-b", LEASE)).isEmpty();

        assertThat(outbox.listBySession(session, DeliveryStatus.DEAD, 10))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.id()).isEqualTo(row.id());
                    assertThat(d.lastError()).contains("node-a").contains("lapsed");
                });
    }

    @Test
    void failuresAreRetriedUntilTheLastAttemptAndThenDeadLetteredVisiblyPerSession() {
        var row = enqueueOne("http://a.test/hook", 3);
        for (int attempt = 1; attempt <= 3; attempt++) {
            var claim = claimMine("node-a", LEASE);
            assertThat(claim)
                    .as("attempt " + attempt)
                    .singleElement()
                    .extracting(WebhookDelivery::attempts)
                    .isEqualTo(attempt);
            var after = outbox.markFailed(claim.getFirst(), 500, "HTTP 500", Duration.ZERO)
                    .orElseThrow();
            assertThat(after.status()).isEqualTo(attempt < 3 ? DeliveryStatus.PENDING : DeliveryStatus.DEAD);
        }
        assertThat(claimMine("node-a", LEASE)).isEmpty();
        assertThat(outbox.listBySession(session, DeliveryStatus.DEAD, 10))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.id()).isEqualTo(row.id());
                    assertThat(d.lastHttpStatus()).isEqualTo(500);
                    assertThat(d.lastError()).isEqualTo("HTTP 500");
                    assertThat(d.attempts()).isEqualTo(3);
                });
        assertThat(outbox.countsBySession(session))
                .containsEntry(DeliveryStatus.DEAD, 1L)
                .containsEntry(DeliveryStatus.PENDING, 0L);
    }

    @Test
    void aFailureNotWorthRetryingIsDeadAtOnce() {
        enqueueOne("http://a.test/hook", 10);
        var claim = claimMine("node-a", LEASE).getFirst();

        var after = outbox.markFailed(claim, 400, "HTTP 400", null).orElseThrow();

        assertThat(after.status()).isEqualTo(DeliveryStatus.DEAD);
        assertThat(after.attempts()).isEqualTo(1);
    }

    @Test
    void aRetryIsNotDueBeforeItsTime() {
        enqueueOne("http://a.test/hook", 10);
        var claim = claimMine("node-a", LEASE).getFirst();

        var after = outbox.markFailed(claim, null, "connection refused", Duration.ofHours(1))
                .orElseThrow();

        assertThat(after.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(after.lastHttpStatus()).isNull();
        assertThat(after.nextAttemptAt()).isAfter(claim.nextAttemptAt().plus(Duration.ofMinutes(59)));
        assertThat(claimMine("node-a", LEASE)).isEmpty();
    }

    @Test
    void retryRequeuesADeadLetterWithAFreshRetryPlan() {
        var row = enqueueOne("http://a.test/hook", 1);
        outbox.markFailed(claimMine("node-a", LEASE).getFirst(), 400, "HTTP 400", null);

        var requeued = outbox.retry(session, row.id());

        assertThat(requeued.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(requeued.attempts()).isZero();
        assertThat(claimMine("node-b", LEASE)).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(row.id());
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThatThrownBy(() -> outbox.retry(session, row.id()))
                .isInstanceOfSatisfying(
                        StoreException.InvalidState.class,
                        e -> assertThat(e.field()).isEqualTo("id"));
    }

    @Test
    void retryAllDeadRequeuesEveryDeadLetterOfTheSessionOnly() {
        enqueueOne("http://a.test/hook", 1);
        enqueueOne("http://b.test/hook", 1);
        claimMine("node-a", LEASE).forEach(d -> outbox.markFailed(d, 400, "HTTP 400", null));
        String other = TestStore.unique("wh");
        store.sessions().create(tenant, other, Map.of());
        outbox.enqueue(other, List.of(delivery("http://c.test/hook", "message", 1)));
        outbox.claimDue("node-a", 100, LEASE).stream()
                .filter(d -> d.session().equals(other))
                .forEach(d -> outbox.markFailed(d, 400, "HTTP 400", null));

        assertThat(outbox.retryAllDead(session)).isEqualTo(2);

        assertThat(outbox.countsBySession(session))
                .containsEntry(DeliveryStatus.PENDING, 2L)
                .containsEntry(DeliveryStatus.DEAD, 0L);
        assertThat(outbox.countsBySession(other)).containsEntry(DeliveryStatus.DEAD, 1L);
    }

    @Test
    void aSessionCannotSeeOrRetryAnotherSessionsDeliveries() {
        var row = enqueueOne("http://a.test/hook", 1);
        outbox.markFailed(claimMine("node-a", LEASE).getFirst(), 400, "HTTP 400", null);
        String other = TestStore.unique("wh");
        store.sessions().create(tenant, other, Map.of());

        assertThat(outbox.listBySession(other, null, 10)).isEmpty();
        assertThatThrownBy(() -> outbox.retry(other, row.id()))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("id"));
    }

    @Test
    void deletingASessionDeletesItsDeliveries() {
        var row = enqueueOne("http://a.test/hook", 1);

        store.sessions().delete(session);

        long left = TestStore.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM webhook_deliveries WHERE id = :id")
                        .bind("id", row.id())
                        .mapTo(Long.class)
                        .one());
        assertThat(left).isZero();
    }

    @Test
    void purgingRemovesOnlyOldDeliveredRows() {
        var delivered = enqueueOne("http://a.test/hook", 1);
        var dead = enqueueOne("http://b.test/hook", 1);
        for (var d : claimMine("node-a", LEASE)) {
            if (d.id() == delivered.id()) {
                outbox.markDelivered(d, 200);
            } else {
                outbox.markFailed(d, 400, "HTTP 400", null);
            }
        }
        var recent = enqueueOne("http://c.test/hook", 1);
        outbox.markDelivered(claimMine("node-a", LEASE).getFirst(), 200);
        TestStore.jdbi()
                .useHandle(h -> h.createUpdate(
                                "UPDATE webhook_deliveries SET delivered_at = clock_timestamp() - interval '8 days' WHERE id = :id")
                        .bind("id", delivered.id())
                        .execute());

        outbox.purgeDelivered(Duration.ofDays(7));

        assertThat(outbox.listBySession(session, null, 10))
                .extracting(WebhookDelivery::id)
                .containsExactlyInAnyOrder(dead.id(), recent.id());
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingIsWritten() {
        var good = delivery("http://a.test/hook", "message", 3);
        var ftp = new NewDelivery("ftp://a.test/hook", "message", "req_1", "{}", null, List.of(), good.retry());
        assertThatThrownBy(() -> outbox.enqueue(session, List.of(good, ftp)))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("deliveries[1].url"));
        var upperCase = new NewDelivery("HTTP://a.test/hook", "message", "req_4", "{}", null, List.of(), good.retry());
        assertThatThrownBy(() -> outbox.enqueue(session, List.of(upperCase)))
                .as("refused before the table's check would fail the whole transaction")
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("deliveries[0].url"));
        var noBody = new NewDelivery("http://a.test/hook", "message", "req_2", "", null, List.of(), good.retry());
        assertThatThrownBy(() -> outbox.enqueue(session, List.of(noBody)))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("deliveries[0].body"));
        var zeroAttempts = new NewDelivery(
                "http://a.test/hook",
                "message",
                "req_3",
                "{}",
                null,
                List.of(),
                new RetryPlan(0, "exponential", Duration.ofSeconds(1)));
        assertThatThrownBy(() -> outbox.enqueue(session, List.of(zeroAttempts)))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("deliveries[0].retry.maxAttempts"));
        assertThatThrownBy(() -> outbox.enqueue("no-such-session-x", List.of(good)))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("session"));
        assertThatThrownBy(() -> outbox.claimDue("node-a", 0, LEASE))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("limit"));
        assertThatThrownBy(() -> outbox.claimDue("node-a", 10, Duration.ofMillis(5)))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("lease"));
        assertThatThrownBy(() -> outbox.listBySession(session, null, 0))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("limit"));
        var unclaimed = outbox.enqueue(session, List.of(good)).getFirst();
        assertThatThrownBy(() -> outbox.markDelivered(unclaimed, 200)).isInstanceOf(StoreException.InvalidState.class);

        assertThat(outbox.listBySession(session, null, 10))
                .extracting(WebhookDelivery::id)
                .containsExactly(unclaimed.id());
    }

    @Test
    void neitherBodyNorKeyNorUrlAppearsInToString() {
        var row = outbox.enqueue(
                        session,
                        List.of(new NewDelivery(
                                "https://a.test/hook?token=tok123",
                                "message",
                                "req_" + UUID.randomUUID(),
                                "{\"body\":\"secret text 77011234567\"}",
                                "hmac-key-1",
                                List.of(),
                                new RetryPlan(1, "constant", Duration.ofSeconds(1)))))
                .getFirst();

        assertThat(row.toString()).doesNotContain("secret text", "77011234567", "hmac-key-1", "tok123");
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
