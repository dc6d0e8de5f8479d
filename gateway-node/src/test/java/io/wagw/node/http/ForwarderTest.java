package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wagw.node.cluster.ClusterAgent;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.RawHttp;
import io.wagw.node.testing.TestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two nodes reduced to what forwarding involves, wired in {@link Api}'s order: forwarding headers checked, API
 * key checked, the forwarder, and a session route that answers with the caller it was given.
 */
class ForwarderTest {
    private static final String ADMIN_KEY = "forwarder-test-admin-key-0123456789";
    private static final ForwardTargets LOOPBACK_MEMBERS = ForwardTargets.system(List.of("127.0.0.1"));

    private final byte[] secret = secret(7);
    private final AtomicInteger served = new AtomicInteger();
    private final Logger forwarderLog = (Logger) LoggerFactory.getLogger(Forwarder.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        logs.start();
        forwarderLog.addAppender(logs);
    }

    @AfterEach
    void stop() {
        forwarderLog.detachAppender(logs);
        vertx.close().await();
    }

    @Test
    void aForwardedCallCarriesTheCallerTheForwardingNodeAuthenticatedAndNoApiKey() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        String entry = node("node-a", apiKeys(), ownedBy("node-b", owner), LOOPBACK_MEMBERS, secret);

        var response = new Http(entry, ADMIN_KEY).get("/api/sessions/salon-1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("servedBy").asText()).isEqualTo("node-b");
        assertThat(response.json().path("forwardedBy").asText()).isEqualTo("node-a");
        assertThat(response.json().path("admin").asBoolean()).isTrue();
        assertThat(response.json().path("apiKeyReceived").asBoolean()).isFalse();
    }

    @Test
    void aSessionKeysCallerStaysLimitedToItsSessionAfterForwarding() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        Handler<RoutingContext> sessionKey = ctx -> {
            ApiAuth.authenticated(ctx, Caller.forSession("salon-1"));
            ctx.next();
        };
        String entry = node("node-a", sessionKey, ownedBy("node-b", owner), LOOPBACK_MEMBERS, secret);

        var response = new Http(entry, "a-session-key").get("/api/sessions/salon-1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("admin").asBoolean()).isFalse();
        assertThat(response.json().path("session").asText()).isEqualTo("salon-1");
    }

    @Test
    void aNodeWithAnotherSecretRefusesTheForwardedCall() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret(8));
        String entry = node("node-a", apiKeys(), ownedBy("node-b", owner), LOOPBACK_MEMBERS, secret);

        var response = new Http(entry, ADMIN_KEY).get("/api/sessions/salon-1");

        assertThat(response.status()).isEqualTo(401);
        assertThat(served).hasValue(0);
    }

    @Test
    void anAdvertisedUrlOutsideTheMemberListIsNeverCalledAndTheCallerGetsAGeneric503() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        String entry = node(
                "node-a", apiKeys(), ownedBy("node-b", owner), ForwardTargets.system(List.of("127.0.0.2")), secret);

        var response = new Http(entry, ADMIN_KEY).get("/api/sessions/salon-1");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().path("error").asText()).isEqualTo("owner_unreachable");
        assertThat(response.json().path("message").asText()).doesNotContain("127.0.0.1");
        assertThat(served).hasValue(0);
        assertThat(logs.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("node-b", owner, "GW_CLUSTER_MEMBERS");
        });
    }

    @Test
    void thePairingPageIsForwardedWithoutACallerItsLinkAuthenticatesIt() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        String entry = node("node-a", apiKeys(), ownedBy("node-b", owner), LOOPBACK_MEMBERS, secret);

        var response = new Http(entry, null).get("/pair/salon-1?token=123.abc");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("servedBy").asText()).isEqualTo("node-b");
        assertThat(response.json().path("forwardedBy").asText()).isEqualTo("node-a");
        assertThat(response.json().path("token").asText()).isEqualTo("123.abc");
        assertThat(response.json().path("callerSet").asBoolean()).isFalse();
    }

    @Test
    void anOwnerThatDoesNotAnswerIsA503WithoutItsAddressOrTheCause() throws Exception {
        int closedPort = TestEnv.freePort();
        String entry = node(
                "node-a", apiKeys(), ownedBy("node-b", "http://127.0.0.1:" + closedPort), LOOPBACK_MEMBERS, secret);

        var response = new Http(entry, ADMIN_KEY).get("/api/sessions/salon-1");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().path("error").asText()).isEqualTo("owner_unreachable");
        assertThat(response.json().path("message").asText())
                .isEqualTo("the node running this session did not answer; retry in a moment")
                .doesNotContain("127.0.0.1", String.valueOf(closedPort));
    }

    @Test
    void forwardingHeadersWithoutAValidSignatureAreRefusedEvenWithAValidApiKey() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        Map<String, String> forged = new ForwardSignature(secret(9))
                .sign("GET", "/api/sessions/salon-1", new byte[0], Optional.of(Caller.ADMIN), "node-a", Instant.now());

        for (Map<String, String> headers : List.of(
                Map.of("X-Wagw-Forwarded-By", "node-a", "X-Api-Key", ADMIN_KEY),
                Map.of("X-Wagw-Anything", "1", "X-Api-Key", ADMIN_KEY),
                forged)) {
            var response = RawHttp.send(owner, "GET", "/api/sessions/salon-1", headers, null);

            assertThat(response.status()).as(headers.toString()).isEqualTo(401);
            assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
        }
        assertThat(served).hasValue(0);
    }

    @Test
    void claimingToBeForwardedNeitherSkipsAuthenticationNorTheOwnerCheck() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        String entry = node("node-a", apiKeys(), ownedBy("node-b", owner), LOOPBACK_MEMBERS, secret);

        var unsigned =
                RawHttp.send(entry, "GET", "/api/sessions/salon-1", Map.of("X-Wagw-Forwarded-By", "node-c"), null);
        var signed = RawHttp.send(
                entry,
                "GET",
                "/api/sessions/salon-1",
                new ForwardSignature(secret)
                        .sign(
                                "GET",
                                "/api/sessions/salon-1",
                                new byte[0],
                                Optional.of(Caller.ADMIN),
                                "node-c",
                                Instant.now()),
                null);

        assertThat(unsigned.status()).isEqualTo(401);
        // a genuine forward to a node that does not run the session is not forwarded again (no loops)
        assertThat(signed.status()).isEqualTo(503);
        assertThat(signed.json().path("error").asText()).isEqualTo("session_moving");
        assertThat(served).hasValue(0);
    }

    @Test
    void theSignatureCoversTheForwardedBody() {
        String owner = node("node-b", apiKeys(), local(), LOOPBACK_MEMBERS, secret);
        byte[] body = "{\"session\":\"salon-1\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(new ForwardSignature(secret)
                .sign("POST", "/api/sessions/salon-1/echo", body, Optional.of(Caller.ADMIN), "node-a", Instant.now()));
        headers.put("Content-Type", "application/json");

        var intact = RawHttp.send(owner, "POST", "/api/sessions/salon-1/echo", headers, body);
        var tampered = RawHttp.send(
                owner,
                "POST",
                "/api/sessions/salon-1/echo",
                headers,
                "{\"session\":\"salon-2\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(intact.status()).isEqualTo(200);
        assertThat(tampered.status()).isEqualTo(401);
    }

    /** Starts a node and returns its base URL. */
    private String node(
            String nodeId,
            Handler<RoutingContext> apiAuth,
            ClusterAgent.Route route,
            ForwardTargets targets,
            byte[] nodeSecret) {
        var signature = new ForwardSignature(nodeSecret);
        var forwardAuth = new ForwardAuth(signature, Clock.systemUTC());
        var forwarder = new Forwarder(
                session -> route, nodeId, vertx.createHttpClient(), targets, signature, Clock.systemUTC());
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create());
        r.route().handler(forwardAuth);
        r.route("/api/*").handler(apiAuth);
        r.route("/api/*").handler(forwarder);
        r.route("/pair/*").order(-2).handler(forwardAuth);
        r.route("/pair/*").order(-1).handler(forwarder);
        r.get("/pair/:name")
                .handler(ctx -> ctx.json(new JsonObject()
                        .put("servedBy", nodeId)
                        .put("token", ctx.request().getParam("token"))
                        .put("callerSet", ApiAuth.caller(ctx) != null)
                        .put(
                                "forwardedBy",
                                ForwardAuth.forward(ctx)
                                        .map(ForwardSignature.Forward::node)
                                        .orElse(null))));
        r.route("/api/sessions/:name/echo")
                .handler(ctx -> ctx.json(new JsonObject().put("body", ctx.body().asString())));
        r.get("/api/sessions/:name").handler(ctx -> {
            served.incrementAndGet();
            Caller caller = ApiAuth.caller(ctx);
            ctx.json(new JsonObject()
                    .put("servedBy", nodeId)
                    .put("admin", caller.admin())
                    .put("session", caller.session())
                    .put("apiKeyReceived", ctx.request().getHeader(ApiAuth.HEADER) != null)
                    .put(
                            "forwardedBy",
                            ForwardAuth.forward(ctx)
                                    .map(ForwardSignature.Forward::node)
                                    .orElse(null)));
        });
        r.route().failureHandler(new ErrorHandler());
        var server = vertx.createHttpServer()
                .requestHandler(r)
                .listen(0, "127.0.0.1")
                .await();
        return "http://127.0.0.1:" + server.actualPort();
    }

    private static Handler<RoutingContext> apiKeys() {
        return new ApiAuth(ADMIN_KEY, null);
    }

    private static ClusterAgent.Route local() {
        return new ClusterAgent.Route(Optional.empty(), false);
    }

    private static ClusterAgent.Route ownedBy(String nodeId, String url) {
        return new ClusterAgent.Route(Optional.of(new ClusterAgent.Owner(nodeId, url)), false);
    }

    private static byte[] secret(int seed) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) seed);
        return bytes;
    }
}
