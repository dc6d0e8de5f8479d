package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import io.wagw.node.Node;
import io.wagw.node.browser.BrowserSettings;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.ApiChecks;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node's HTTP API end to end: real node, Chromium, simulator and PostgreSQL over real HTTP. */
class HttpApiTest {
    private static final Duration T = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Node node;
    private static Http admin;
    private static WaSimulator sim;

    @BeforeAll
    static void startNode() {
        sim = TestEnv.sim();
        node = Node.start(NodeConfig.fromEnv(TestEnv.nodeEnv("http-node")), new AutoReplyHandler());
        admin = new Http(node.baseUrl(), node.adminKey());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
        assertThat(sim.client().stats().conflicts()).isZero();
    }

    private static String status(String name) {
        return admin.get("/api/sessions/" + name).json().path("status").asText();
    }

    /** Creates a session through the API and links it with a simulated phone; returns the phone. */
    private static String linkedSession(String name, String configJson) {
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Salon " + name);
        var created = admin.post("/api/sessions", "{\"name\":\"%s\",\"config\":%s}".formatted(name, configJson));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Await.until(name + " SCAN_QR_CODE", T, () -> status(name).equals("SCAN_QR_CODE"));
        String qr = Await.value("raw QR", T, () -> {
            var r = admin.get("/api/" + name + "/auth/qr?format=raw");
            return r.status() == 200 ? r.json().path("value").asText() : null;
        });
        sim.client().linkByQr(phone, qr);
        Await.until(name + " WORKING", T, () -> status(name).equals("WORKING"));
        return phone;
    }

    @Test
    void theWholePairingFlowThroughTheApi() throws Exception {
        String name = TestEnv.unique("pair");
        var created = admin.post(
                "/api/sessions", "{\"name\":\"%s\",\"config\":{\"metadata\":{\"crm\":\"42\"}}}".formatted(name));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("name").asText()).isEqualTo(name);
        assertThat(created.json().path("config").path("metadata").path("crm").asText())
                .isEqualTo("42");
        assertThat(created.json().path("tenant").asText()).isEqualTo(Node.DEFAULT_TENANT);

        Await.until("SCAN_QR_CODE", T, () -> status(name).equals("SCAN_QR_CODE"));
        String raw = Await.value("raw QR", T, () -> {
            var r = admin.get("/api/" + name + "/auth/qr?format=raw");
            return r.status() == 200 ? r.json().path("value").asText() : null;
        });
        var png = admin.get("/api/" + name + "/auth/qr", "image/png");
        assertThat(png.contentType()).isEqualTo("image/png");
        String decoded = decode(png.bytes());
        var asJson = admin.get("/api/" + name + "/auth/qr", "application/json");
        assertThat(asJson.json().path("mimetype").asText()).isEqualTo("image/png");
        String decodedJson =
                decode(Base64.getDecoder().decode(asJson.json().path("data").asText()));
        String now = admin.get("/api/" + name + "/auth/qr?format=raw")
                .json()
                .path("value")
                .asText();
        assertThat(List.of(raw, now)).contains(decoded, decodedJson); // a rotation may fall between the calls

        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Flow Salon");
        sim.client().linkByQr(phone, now);
        Await.until("WORKING", T, () -> status(name).equals("WORKING"));
        var session = admin.get("/api/sessions/" + name).json();
        assertThat(session.path("me").path("id").asText()).isEqualTo(phone + "@c.us");
        assertThat(session.path("node").asText()).isEqualTo("http-node");
        assertThat(admin.get("/api/" + name + "/me").json().path("id").asText()).isEqualTo(phone + "@c.us");
        var notScanning = admin.get("/api/" + name + "/auth/qr?format=raw");
        assertThat(notScanning.status()).isEqualTo(409);
        assertThat(notScanning.json().path("error").asText()).isEqualTo("not_scanning");

        var stopped = admin.post("/api/sessions/" + name + "/stop", null);
        assertThat(stopped.json().path("status").asText()).isEqualTo("STOPPED");
        assertThat(admin.get("/api/sessions").json().findValuesAsText("name")).doesNotContain(name);
        assertThat(admin.get("/api/sessions?all=true").json().findValuesAsText("name"))
                .contains(name);
        assertThat(admin.post("/api/sessions/" + name + "/start", null).status())
                .isEqualTo(201);
        Await.until("WORKING again without a QR", T, () -> status(name).equals("WORKING"));
        assertThat(admin.delete("/api/sessions/" + name).status())
                .as("a running session is stopped, then deleted")
                .isEqualTo(204);
        assertThat(admin.get("/api/sessions/" + name).status()).isEqualTo(404);
        assertThat(node.runtime().runs(name)).isFalse();
    }

    @Test
    void thePairingPageShowsTheLiveQrAndTheSuccessInARealBrowser() {
        String name = TestEnv.unique("page");
        assertThat(admin.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name))
                        .status())
                .isEqualTo(201);
        String url =
                admin.get("/api/" + name + "/auth/pair-link").json().path("url").asText();
        assertThat(url).contains("/pair/" + name + "?t=");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Page Salon");
        // the node's driver settings: Playwright configures its driver once per JVM, by the first create
        try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(BrowserSettings.nodeDriverEnv()));
                Browser browser = pw.chromium()
                        .launch(new BrowserType.LaunchOptions()
                                .setExecutablePath(TestEnv.chromium())
                                .setArgs(BrowserSettings.BASE_ARGS))) {
            var page = browser.newPage();
            page.navigate(url);
            page.waitForSelector(
                    "img#qr[data-qr]",
                    new com.microsoft.playwright.Page.WaitForSelectorOptions().setTimeout(T.toMillis()));
            String first = page.getAttribute("img#qr", "data-qr");
            assertThat(page.getAttribute("img#qr", "src")).startsWith("data:image/png;base64,");
            page.waitForFunction(
                    "(q) => document.querySelector('img#qr').dataset.qr !== q",
                    first,
                    new com.microsoft.playwright.Page.WaitForFunctionOptions().setTimeout(T.toMillis()));
            String rotated = page.getAttribute("img#qr", "data-qr");
            assertThat(rotated).isNotEqualTo(first);
            sim.client().linkByQr(phone, rotated);
            page.waitForSelector(
                    "#status[data-status=WORKING]",
                    new com.microsoft.playwright.Page.WaitForSelectorOptions().setTimeout(T.toMillis()));
            assertThat(page.textContent("#status")).contains("Linked");

            var forged = browser.newPage();
            var response = forged.navigate(node.baseUrl() + "/pair/" + name + "?t=123.abc");
            assertThat(response.status()).isEqualTo(403);
        }
    }

    @Test
    void pairingLinksAreBoundToTheSessionsIncarnationAndAnAdminCanRevokeThem() throws Exception {
        String name = TestEnv.unique("links");
        assertThat(admin.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name))
                        .status())
                .isEqualTo(201);
        var client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> open = url -> {
            try {
                return client.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String first =
                admin.get("/api/" + name + "/auth/pair-link").json().path("url").asText();
        var page = open.apply(first);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors 'none'");

        String sessionKey = admin.post("/api/keys", "{\"scope\":\"session\",\"session\":\"%s\"}".formatted(name))
                .json()
                .path("key")
                .asText();
        assertThat(admin.withKey(sessionKey)
                        .post("/api/" + name + "/auth/pair-link/revoke", null)
                        .status())
                .as("a session key cannot revoke")
                .isEqualTo(403);
        assertThat(admin.post("/api/" + name + "/auth/pair-link/revoke", null).status())
                .isEqualTo(200);
        assertThat(open.apply(first).statusCode()).as("a revoked link").isEqualTo(403);
        String second =
                admin.get("/api/" + name + "/auth/pair-link").json().path("url").asText();
        assertThat(open.apply(second).statusCode())
                .as("a link issued after the revocation")
                .isEqualTo(200);

        assertThat(admin.delete("/api/sessions/" + name).status()).isEqualTo(204);
        assertThat(admin.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name))
                        .status())
                .isEqualTo(201);
        assertThat(open.apply(second).statusCode())
                .as("a link of the deleted session, for its successor of the same name")
                .isEqualTo(403);
    }

    @Test
    void aSessionWhoseSendQueueIsFullAnswers429WithRetryAfter() throws Exception {
        String name = TestEnv.unique("full");
        linkedSession(name, "{}");
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Aida", true);
        var client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        var sends = new ArrayList<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>>();
        // the node paces at its defaults (20 a minute): these stay queued while the next ones arrive
        for (int i = 0; i < 60; i++) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.baseUrl() + "/api/sendText"))
                    .header("X-Api-Key", node.adminKey())
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"session\":\"%s\",\"chatId\":\"%s@c.us\",\"text\":\"burst %d\"}"
                                    .formatted(name, customer, i)))
                    .build();
            sends.add(client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        var refused = Await.value(
                "a send refused at once",
                T,
                () -> sends.stream()
                        .filter(f -> f.isDone()
                                && !f.isCompletedExceptionally()
                                && f.join().statusCode() == 429)
                        .findFirst()
                        .map(java.util.concurrent.CompletableFuture::join)
                        .orElse(null));
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("\"error\":\"queue_full\"", "\"field\":\"session\"");
        sends.forEach(f -> f.cancel(true)); // the queued ones go out at the node's pace; nobody waits for them
    }

    @Test
    void sendTextReachesThePhoneAndInboundMessagesGetTheAutoReply() {
        String name = TestEnv.unique("send");
        String phone = linkedSession(name, "{\"autoReply\":\"We are open 9-18.\"}");
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Aida", true);
        var sent = admin.post(
                "/api/sendText",
                "{\"session\":\"%s\",\"chatId\":\"%s@c.us\",\"text\":\"Your booking is confirmed\"}"
                        .formatted(name, customer));
        assertThat(sent.status()).as(sent.text()).isEqualTo(201);
        assertThat(sent.json().path("id").asText()).startsWith("true_" + customer + "@c.us_");
        assertThat(sent.json().path("fromMe").asBoolean()).isTrue();
        Await.until(
                "at the simulator",
                T,
                () -> sim.client().sent(phone).stream().anyMatch(m -> m.text().equals("Your booking is confirmed")));

        sim.client().customerSends(customer, phone, "Can I come at 5?");
        Await.until(
                "auto-reply",
                T,
                () -> sim.client().sent(phone).stream().anyMatch(m -> m.text().equals("We are open 9-18.")));
        var history = admin.get("/api/%s/chats/%s@c.us/messages?limit=10".formatted(name, customer));
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().findValuesAsText("body"))
                .contains("Can I come at 5?", "Your booking is confirmed", "We are open 9-18.");
        assertThat(admin.post("/api/sendSeen", "{\"session\":\"%s\",\"chatId\":\"%s@c.us\"}".formatted(name, customer))
                        .status())
                .isEqualTo(200);
        assertThat(admin.post(
                                "/api/startTyping",
                                "{\"session\":\"%s\",\"chatId\":\"%s@c.us\"}".formatted(name, customer))
                        .status())
                .isEqualTo(200);
        assertThat(admin.post(
                                "/api/stopTyping",
                                "{\"session\":\"%s\",\"chatId\":\"%s@c.us\"}".formatted(name, customer))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void tenantStatusesKeepTheirLowerCaseNames() {
        String slug = TestEnv.unique("tenant");
        var created = admin.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"T\"}".formatted(slug));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("status").asText()).isEqualTo("onboarding");
        var suspended = admin.put("/api/tenants/" + slug, "{\"status\":\"suspended\"}");
        assertThat(suspended.status()).isEqualTo(200);
        assertThat(suspended.json().path("status").asText()).isEqualTo("suspended");
        var upperCase = admin.put("/api/tenants/" + slug, "{\"status\":\"SUSPENDED\"}");
        assertThat(upperCase.status()).isEqualTo(400);
        assertThat(upperCase.json().path("field").asText()).isEqualTo("status");
    }

    @Test
    void keyScopesAreEnforced() {
        String mine = TestEnv.unique("mine");
        String other = TestEnv.unique("other");
        admin.post("/api/sessions", "{\"name\":\"%s\",\"start\":false}".formatted(mine));
        admin.post("/api/sessions", "{\"name\":\"%s\",\"start\":false}".formatted(other));
        var created = admin.post("/api/keys", "{\"scope\":\"session\",\"session\":\"%s\"}".formatted(mine));
        assertThat(created.status()).isEqualTo(201);
        Http scoped = admin.withKey(created.json().path("key").asText());
        assertThat(created.json().path("scope").asText()).isEqualTo("session");

        assertThat(scoped.get("/api/sessions/" + mine).status()).isEqualTo(200);
        assertThat(scoped.get("/api/sessions/" + other).status()).isEqualTo(403);
        assertThat(scoped.get("/api/sessions/" + other).json().path("error").asText())
                .isEqualTo("forbidden");
        assertThat(scoped.get("/api/sessions?all=true").json().findValuesAsText("name"))
                .containsExactly(mine);
        assertThat(scoped.post("/api/sessions", "{\"name\":\"x-" + mine + "\"}").status())
                .isEqualTo(403);
        assertThat(scoped.get("/api/keys").status()).isEqualTo(403);
        assertThat(scoped.post(
                                "/api/sendText",
                                "{\"session\":\"%s\",\"chatId\":\"77011234567@c.us\",\"text\":\"hi\"}".formatted(other))
                        .status())
                .isEqualTo(403);
        assertThat(scoped.post("/api/sessions/" + other + "/start", null).status())
                .isEqualTo(403);

        assertThat(admin.withKey(null).get("/api/sessions").status()).isEqualTo(401);
        assertThat(admin.withKey(null).get("/api/sessions").json().path("field").asText())
                .isEqualTo("X-Api-Key");
        assertThat(admin.withKey("wagw_not-a-real-key").get("/api/sessions").status())
                .isEqualTo(401);

        long id = created.json().path("id").asLong();
        assertThat(admin.delete("/api/keys/" + id).status()).isEqualTo(204);
        assertThat(scoped.get("/api/sessions/" + mine).status()).as("revoked").isEqualTo(401);
        assertThat(admin.get("/api/keys").text())
                .doesNotContain(created.json().path("key").asText());
    }

    @Test
    void aWebhookAtAnAddressTheNodeRefusesIsRefusedNamingTheFieldAndItsUrlIsStoredInLowerCase() {
        String name = TestEnv.unique("hook");
        String metadata =
                "{\"name\":\"%s\",\"start\":false,\"config\":{\"webhooks\":[{\"url\":\"https://crm.example/wa\",\"events\":[\"message\"]},"
                        + "{\"url\":\"http://169.254.169.254/latest/meta-data/\",\"events\":[\"message\"]}]}}";
        var refused = admin.post("/api/sessions", metadata.formatted(name));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("field").asText()).isEqualTo("config.webhooks[1].url");
        assertThat(refused.json().path("message").asText())
                .contains("169.254.169.254 (cloud metadata)", "GW_WEBHOOK_ALLOW_NETWORKS");
        assertThat(admin.get("/api/sessions/" + name).status()).isEqualTo(404);

        var created = admin.post(
                "/api/sessions",
                ("{\"name\":\"%s\",\"start\":false,\"config\":{\"webhooks\":["
                                + "{\"url\":\"HTTPS://CRM.Example/Wa?Key=AbC\",\"events\":[\"message\"]}]}}")
                        .formatted(name));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json()
                        .path("config")
                        .path("webhooks")
                        .path(0)
                        .path("url")
                        .asText())
                .isEqualTo("https://crm.example/Wa?Key=AbC");

        var key = admin.post("/api/keys", "{\"scope\":\"session\",\"session\":\"%s\"}".formatted(name));
        Http scoped = admin.withKey(key.json().path("key").asText());
        var loopback = scoped.put(
                "/api/sessions/" + name,
                "{\"config\":{\"webhooks\":[{\"url\":\"http://127.0.0.1:5701/\",\"events\":[\"*\"]}]}}");
        assertThat(loopback.status()).isEqualTo(400);
        assertThat(loopback.json().path("field").asText()).isEqualTo("config.webhooks[0].url");
        assertThat(loopback.json().path("message").asText()).contains("127.0.0.1 (loopback)");
        assertThat(admin.get("/api/sessions/" + name)
                        .json()
                        .path("config")
                        .path("webhooks")
                        .path(0)
                        .path("url")
                        .asText())
                .as("unchanged")
                .isEqualTo("https://crm.example/Wa?Key=AbC");
    }

    @Test
    void healthAndMetricsScrapeCleanlyWithoutTextOrNumbers() {
        String name = TestEnv.unique("obs");
        String phone = linkedSession(name, "{}");
        String customer = TestEnv.phone();
        sim.client().customerSends(customer, phone, "secret words in a message");
        Await.until(
                "persisted",
                T,
                () -> admin.get("/api/%s/chats/%s@c.us/messages".formatted(name, customer))
                                .json()
                                .size()
                        == 1);

        var health = admin.withKey(null).get("/health");
        assertThat(health.status()).isEqualTo(200);
        JsonNode h = health.json();
        assertThat(h.path("status").asText()).isIn("UP", "DEGRADED");
        assertThat(h.path("nodeId").asText()).isEqualTo("http-node");
        assertThat(h.path("sessions").path("byStatus").path("WORKING").asInt()).isPositive();
        assertThat(h.path("sessions").path("capacity").asInt()).isEqualTo(50);
        assertThat(h.path("memory").path("chromiumPssBytes").asLong()).isPositive();
        assertThat(h.path("database").path("reachable").asBoolean()).isTrue();

        var metrics = admin.withKey(null).get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        String text = metrics.text();
        assertThat(text)
                .contains(
                        "wagw_sessions{status=\"WORKING\"}",
                        "wagw_messages_total{direction=\"in\"}",
                        "wagw_qr_codes_shown_total",
                        "wagw_qr_scans_total",
                        "wagw_send_latency_seconds",
                        "wagw_browser_crashes_total",
                        "wagw_snapshot_save_seconds",
                        "wagw_webhook_deliveries_total",
                        "jvm_memory_used_bytes");
        assertThat(text).doesNotContain(phone).doesNotContain(customer).doesNotContain("secret words");
        for (String line :
                text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList()) {
            assertThat(line)
                    .as("exposition line")
                    .matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eE]+|.*(NaN|Inf).*");
        }
        assertThat(health.text()).doesNotContain(phone);
    }

    @Test
    void everyRouteIsInTheOpenApiDocument() {
        var doc = admin.withKey(null).get("/openapi.json").json();
        Set<String> documented = new TreeSet<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(p -> p.getValue()
                        .fieldNames()
                        .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        Set<String> served = new TreeSet<>();
        for (var route : io.wagw.node.http.Api.router(io.vertx.core.Vertx.vertx(), node.services())
                .getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue;
            }
            String path = route.getPath().replaceAll(":([a-zA-Z]+)", "{$1}");
            route.methods().forEach(m -> served.add(m.name() + " " + path));
        }
        assertThat(served).isNotEmpty();
        assertThat(documented).containsAll(served);
    }

    @Test
    void malformedInputOnEveryRouteGetsA4xxJsonErrorAndNeverA500() throws Exception {
        String name = TestEnv.unique("bad");
        admin.post("/api/sessions", "{\"name\":\"%s\",\"start\":false}".formatted(name));
        List<String[]> routes = new ArrayList<>();
        for (var route : io.wagw.node.http.Api.router(io.vertx.core.Vertx.vertx(), node.services())
                .getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue;
            }
            for (var m : route.methods()) {
                routes.add(new String[] {m.name(), route.getPath()});
            }
        }
        List<String> bodies = List.of(
                "",
                "{",
                "[]",
                "\"text\"",
                "{\"unknownField\":1}",
                "{\"name\":5}",
                "{\"session\":\"" + name + "\",\"chatId\":\"not-a-chat\",\"text\":\"hi\"}",
                "{\"session\":\"../etc\",\"chatId\":\"77011234567@c.us\",\"text\":\"hi\"}",
                "{\"name\":\"Bad Name!\"}",
                "{\"name\":\"" + name + "\",\"config\":{\"webhooks\":[{\"url\":\"ftp://x\"}]}}",
                "{\"name\":\"" + name + "\",\"config\":{\"nope\":1}}",
                "{\"session\":\"" + name + "\",\"chatId\":\"77011234567@c.us\",\"text\":\"" + "x".repeat(70_000)
                        + "\"}",
                "{\"scope\":\"root\"}",
                "{\"status\":\"zombie\"}",
                "{\"phoneNumber\":\"abc\"}");
        List<String> paramValues = List.of(name, "Bad%20Name", "x".repeat(70), "no-such-session");
        int requests = 0;
        for (String[] r : routes) {
            if (r[1].startsWith("/pair/")) {
                for (String v : paramValues) {
                    check(admin.send(r[0], r[1].replace(":session", v) + "?t=forged", null, null, null), r, v);
                    requests++;
                }
                continue;
            }
            boolean changesState = r[0].equals("DELETE") || r[1].matches(".*/(start|stop|restart|logout)$");
            boolean streams = r[1].endsWith("/events");
            for (String v : paramValues) {
                if (changesState && v.equals(name)) {
                    continue; // a valid call on the real session would legitimately act on it
                }
                if (streams && v.equals(name)) {
                    continue; // a valid call opens the session's event stream, which stays open
                }
                String path = r[1].replace(":name", v)
                        .replace(":session", v)
                        .replace(":id", "abc")
                        .replace(":slug", "No_Such")
                        .replace(":chatId", "123");
                if (r[0].equals("GET") || r[0].equals("DELETE")) {
                    check(admin.send(r[0], path, null, null, null), r, v);
                    requests++;
                    continue;
                }
                for (String body : bodies) {
                    check(admin.send(r[0], path, body, "application/json", null), r, body);
                    requests++;
                }
                check(admin.send(r[0], path, "{}", "text/plain", null), r, "text/plain");
                requests++;
            }
        }
        assertThat(requests).isGreaterThan(300);
        assertThat(admin.get("/api/sessions/" + name).json().path("status").asText())
                .isEqualTo("STOPPED");
        assertThat(admin.get("/api/nope").status()).isEqualTo(404);
        assertThat(admin.get("/api/nope").json().path("error").asText()).isEqualTo("not_found");
        assertThat(admin.send("PATCH", "/api/sessions", "{}", "application/json", null)
                        .status())
                .isIn(404, 405);
    }

    private static void check(Http.Response response, String[] route, String input) {
        String what = route[0] + " " + route[1] + " with " + (input.length() > 80 ? input.substring(0, 80) : input);
        assertThat(ApiChecks.violation(response)).as(what).isEmpty();
    }

    private static String decode(byte[] png) throws Exception {
        var image = ImageIO.read(new ByteArrayInputStream(png));
        return new QRCodeReader()
                .decode(
                        new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                        Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                .getText();
    }
}
