package io.wagw.node.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.wagw.store.webhook.DeliveryStatus;
import io.wagw.store.webhook.RetryPlan;
import io.wagw.store.webhook.WebhookDelivery;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One attempt against a real local receiver: what the sender reports is what the receiver answered. */
class WebhookSenderTest {
    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static WebhookDelivery row(long id, String url) {
        return new WebhookDelivery(
                id,
                "sender-test",
                url,
                "message",
                "req_" + id,
                "{\"id\":\"evt_" + id + "\"}",
                null,
                List.of(),
                new RetryPlan(3, "constant", Duration.ofSeconds(1)),
                1,
                DeliveryStatus.DELIVERING,
                Instant.now(),
                "node",
                UUID.randomUUID(),
                Instant.now().plusSeconds(60),
                null,
                null,
                Instant.now(),
                Instant.now(),
                null);
    }

    @Test
    void aReceiverThatAnswersWithoutABodyIsAnsweredEveryTime() throws Exception {
        // The receiver answers 200 with no body and closes: the response can end before the sender looks at it.
        // Every request it received must be reported as answered, or the dispatcher sends it again (a duplicate).
        try (var receiver = Receiver.start((n, hit) -> 200);
                var sender = new WebhookSender(
                        vertx,
                        WebhookDestinations.system(WebhookDispatcherTest.LOOPBACK_ALLOWED),
                        Duration.ofSeconds(5))) {
            // as the dispatcher does: several delivery threads at once, each blocking on its own attempt
            List<String> notAnswered = new CopyOnWriteArrayList<>();
            try (var threads = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < 800; i++) {
                    int n = i;
                    threads.execute(() -> {
                        try {
                            var outcome = sender.send(row(n, receiver.url("/hook")));
                            if (!(outcome instanceof WebhookSender.Outcome.Answered a && a.status() == 200)) {
                                notAnswered.add(n + ": " + outcome);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            }
            assertThat(receiver.hits).hasSize(800);
            assertThat(notAnswered)
                    .as("requests the receiver took but the sender did not see answered")
                    .isEmpty();
        }
    }

    @Test
    void anAnswerWithALargeBodyCountsByItsStatusAndItsRetryAfter() throws Exception {
        byte[] page = "<html>busy</html>".repeat(20_000).getBytes(StandardCharsets.UTF_8); // 340 KB, unread
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Retry-After", "7");
                exchange.sendResponseHeaders(503, page.length);
                exchange.getResponseBody().write(page);
            }
        });
        server.start();
        try (var sender = new WebhookSender(
                vertx, WebhookDestinations.system(WebhookDispatcherTest.LOOPBACK_ALLOWED), Duration.ofSeconds(5))) {
            for (int i = 0; i < 20; i++) {
                var outcome =
                        sender.send(row(i, Receiver.url(server.getAddress().getPort(), "/hook")));
                assertThat(outcome).isEqualTo(new WebhookSender.Outcome.Answered(503, Duration.ofSeconds(7)));
            }
        } finally {
            server.stop(0);
        }
    }
}
