package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: a real node, Chromium, the simulator and PostgreSQL, and a real receiver that
 * is down while events happen and while the node restarts.
 */
class WebhookFlowTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HMAC_KEY = "tenant-webhook-secret";

    record Received(String body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void everyEventReachesAReceiverThatWasDownAcrossANodeRestartSignedAndOnce() throws Exception {
        WaSimulator sim = TestEnv.sim();
        int receiverPort = TestEnv.freePort();
        var env = TestEnv.nodeEnv("webhook-node");
        env.put("GW_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8"); // the receiver listens on 127.0.0.1
        String name = TestEnv.unique("hooks");
        String phone = TestEnv.phone();
        String customer = TestEnv.phone();
        sim.client().createAccount(phone, "Hook Salon");
        sim.client().upsertCustomer(customer, "Dana", true);
        String config = """
                {"autoReply":"Thanks!","webhooks":[{"url":"http://127.0.0.1:%d/hook","events":["message","message.ack","session.status"],
                 "hmac":{"key":"%s"},"retries":{"attempts":50,"delaySeconds":1,"policy":"constant"}}]}""".formatted(receiverPort, HMAC_KEY);

        Node node = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        try {
            var api = new Http(node.baseUrl(), node.adminKey());
            var created = api.post("/api/sessions", "{\"name\":\"%s\",\"config\":%s}".formatted(name, config));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String qr = Await.value("QR", T, () -> {
                var r = api.get("/api/" + name + "/auth/qr?format=raw");
                return r.status() == 200 ? r.json().path("value").asText() : null;
            });
            sim.client().linkByQr(phone, qr);
            Await.until(
                    "WORKING",
                    T,
                    () -> api.get("/api/sessions/" + name)
                            .json()
                            .path("status")
                            .asText()
                            .equals("WORKING"));
            sim.client().customerSends(customer, phone, "first question");
            Await.until("auto-reply sent", T, () -> !sim.client().sent(phone).isEmpty());
            sim.client().customerReads(customer, phone);
            Await.until(
                    "read ack stored",
                    T,
                    () -> api.get("/api/%s/chats/%s@c.us/messages".formatted(name, customer))
                            .json()
                            .findValuesAsText("ackName")
                            .contains("READ"));
            var pending = api.get("/api/" + name + "/webhooks/deliveries").json();
            assertThat(pending.path("counts").path("pending").asLong()
                            + pending.path("counts").path("delivering").asLong())
                    .as("queued while the receiver is down")
                    .isPositive();
        } finally {
            node.close(); // a restart while nothing was delivered yet
        }

        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    Map.copyOf(exchange.getRequestHeaders())));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Node restarted = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        try {
            var api = new Http(restarted.baseUrl(), restarted.adminKey());
            api.post("/api/sessions/" + name + "/start", null);
            Await.until(
                    "WORKING after the restart",
                    T,
                    () -> api.get("/api/sessions/" + name)
                            .json()
                            .path("status")
                            .asText()
                            .equals("WORKING"));
            sim.client().customerSends(customer, phone, "second question");
            var sent = api.post(
                    "/api/sendText",
                    "{\"session\":\"%s\",\"chatId\":\"%s@c.us\",\"text\":\"See you at 5\"}".formatted(name, customer));
            assertThat(sent.status()).isEqualTo(201);
            String sentId = sent.json().path("id").asText();
            Await.until(
                    "an ack webhook for the sent message",
                    T,
                    () -> received.stream()
                            .anyMatch(r -> r.json().path("event").asText().equals("message.ack")
                                    && r.json()
                                            .path("payload")
                                            .path("id")
                                            .asText()
                                            .equals(sentId)
                                    && r.json().path("payload").path("ack").asInt() >= 1));
            awaitOrReport(received, api, name, () -> {
                var events = received.stream()
                        .map(r -> r.json().path("event").asText() + ":"
                                + (r.json().path("event").asText().equals("message")
                                        ? r.json().path("payload").path("body").asText()
                                        : r.json()
                                                .path("payload")
                                                .path("ackName")
                                                .asText()))
                        .toList();
                return events.contains("message:first question")
                        && events.contains("message:second question")
                        && events.contains("message.ack:READ");
            });
            Await.until("nothing left to deliver", T, () -> {
                var counts =
                        api.get("/api/" + name + "/webhooks/deliveries").json().path("counts");
                return counts.path("pending").asLong() == 0
                        && counts.path("delivering").asLong() == 0;
            });
        } finally {
            restarted.close();
            receiver.stop(0);
        }

        var ids = received.stream().map(r -> r.json().path("id").asText()).toList();
        assertThat(ids).as("each event once").doesNotHaveDuplicates();
        for (Received r : received) {
            assertThat(r.headers().get("X-webhook-hmac-algorithm")).containsExactly("sha512");
            assertThat(r.headers().get("X-webhook-hmac")).containsExactly(hmac(r.body()));
            assertThat(r.headers().get("X-webhook-request-id")).hasSize(1);
            assertThat(r.headers().get("X-webhook-timestamp")).hasSize(1);
            JsonNode j = r.json();
            assertThat(j.path("session").asText()).isEqualTo(name);
            assertThat(j.path("me").path("id").asText()).isIn(phone + "@c.us", "");
            assertThat(j.path("timestamp").asLong()).isPositive();
        }
        var statuses = received.stream()
                .filter(r -> r.json().path("event").asText().equals("session.status"))
                .map(r -> r.json().path("payload").path("status").asText())
                .toList();
        assertThat(statuses)
                .containsSubsequence("STARTING", "SCAN_QR_CODE", "WORKING", "STOPPED", "STARTING", "WORKING");
        var message = received.stream()
                .filter(r -> r.json().path("event").asText().equals("message"))
                .findFirst()
                .orElseThrow()
                .json();
        assertThat(message.path("payload").path("from").asText()).isEqualTo(customer + "@c.us");
        assertThat(message.path("payload").path("fromMe").asBoolean()).isFalse();
        assertThat(message.path("payload").path("id").asText()).startsWith("false_" + customer + "@c.us_");
    }

    private static void awaitOrReport(
            List<Received> received, Http api, String name, java.util.function.BooleanSupplier done) {
        try {
            Await.until("both messages and the read ack delivered", T, done);
        } catch (AssertionError e) {
            var got = received.stream()
                    .map(r -> r.json().path("event").asText() + ":"
                            + r.json().path("payload").path("status").asText()
                            + r.json().path("payload").path("body").asText()
                            + r.json().path("payload").path("ackName").asText())
                    .toList();
            throw new AssertionError(e.getMessage() + "; received " + got + "; outbox "
                    + api.get("/api/" + name + "/webhooks/deliveries").text());
        }
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(HMAC_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
