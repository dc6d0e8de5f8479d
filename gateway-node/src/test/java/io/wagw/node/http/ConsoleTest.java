package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.ConsoleBrowser;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.client.SimClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console driven in Chromium as its users would: a real node (and a second one on the same database), the
 * simulator, PostgreSQL. An operator signs in, creates a session, links it by scanning the QR on the screen with a
 * simulated phone, sees a customer answered, takes the chat over and hands it back, and signs out; the sign-in
 * cookie holds on every node and a change without its CSRF token is refused; a tenant's owner sees only her rows;
 * forms show the API's validation messages. Screenshots of each page go to {@code target/console-screenshots}.
 */
class ConsoleTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String PRICE = "Manicure with gel polish: 12 000 ₸";

    private static WaSimulator sim;
    private static Node node;
    private static Node second;
    private static Http api;
    private static ConsoleBrowser browser;
    private static String salon;
    private static String salonKey;
    private static String otherSession;
    private static HttpServer receiver;
    private static final AtomicInteger receiverStatus = new AtomicInteger(500);

    @BeforeAll
    static void start() throws Exception {
        sim = TestEnv.sim();
        var env = TestEnv.nodeEnv("console-node");
        env.put("GW_SEND_PAUSE_MS", "0");
        env.put("GW_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8");
        node = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        // the second node delivers webhooks too (any node does): it may reach the test's receiver as well
        var secondEnv = TestEnv.nodeEnv("console-node-2");
        secondEnv.put("GW_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8");
        second = Node.start(NodeConfig.fromEnv(secondEnv), new AutoReplyHandler());
        api = new Http(node.baseUrl(), node.adminKey());

        salon = TestEnv.unique("salon");
        assertThat(api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Salon Aida\"}".formatted(salon))
                        .status())
                .isEqualTo(201);
        assertThat(api.put("/api/tenants/" + salon, "{\"status\":\"active\"}").status())
                .isEqualTo(200);
        var saved = api.put("/api/tenants/%s/settings".formatted(salon), """
                {"businessName":"Salon Aida","timezone":"Asia/Almaty","languages":["en","ru"],
                 "quota":{"monthlyMessages":50},
                 "quickReplies":[{"pattern":"price","reply":"%s"}]}""".formatted(PRICE));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        salonKey = api.post("/api/keys", "{\"scope\":\"tenant\",\"tenant\":\"%s\"}".formatted(salon))
                .json()
                .path("key")
                .asText();
        // another business with a session of its own: the salon's owner must never see it
        otherSession = TestEnv.session(Map.of());
        browser = new ConsoleBrowser();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(receiverStatus.get(), -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (browser != null) {
            browser.close();
        }
        if (second != null) {
            second.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Page signIn(Page page, String base, String key) {
        page.navigate(base + "/console");
        page.getByLabel("API key").fill(key);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        page.locator("#nav").waitFor();
        return page;
    }

    private static List<String> sentTo(String account, String customer) {
        return sim.client().sent(account).stream()
                .filter(m -> m.to().startsWith(customer))
                .map(MessageInfo::text)
                .toList();
    }

    @Test
    void anOperatorLinksASessionByItsQrSeesTheAssistantAnswerAndAnswersByHand() throws Exception {
        Page page = browser.desktop();
        page.navigate(node.baseUrl() + "/console");
        page.locator("#sign-in-form").waitFor();
        ConsoleBrowser.screenshot(page, "01-sign-in");
        signIn(page, node.baseUrl(), node.adminKey());

        // create a session of the salon and link it: the QR on the screen, scanned by the salon's phone
        String session = TestEnv.unique("console");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Salon Aida");
        page.locator("#create-session").getByLabel("Name").fill(session);
        page.locator("#create-session").getByLabel("Tenant").fill(salon);
        page.getByText("Create and start").click();
        page.locator("#link-qr").waitFor();
        ConsoleBrowser.screenshot(page, "02-link-qr");
        Await.until("the QR scanned from the screen", T, () -> {
            var qr = page.locator("#link-qr");
            if (!qr.isVisible()) {
                return false;
            }
            try {
                sim.client().linkByQr(phone, ConsoleBrowser.scan(qr));
                return true;
            } catch (SimClient.SimApiException | IllegalStateException rotatedOrUnreadable) {
                return false; // the code rotated meanwhile, or the image was changing: look again
            }
        });
        page.locator("#link-status[data-status=WORKING]").waitFor();
        page.locator("tr[data-session='%s'] [data-status=WORKING]".formatted(session))
                .waitFor();
        assertThat(page.locator("tr[data-session='%s']".formatted(session)).innerText())
                .contains("+" + phone)
                .contains(salon);
        assertThat(page.locator("#link-panel input[readonly]").inputValue())
                .startsWith(node.baseUrl() + "/pair/" + session + "?t=");
        ConsoleBrowser.screenshot(page, "02-sessions");

        // a customer writes; the conversation shows her message and the assistant's quick reply
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Dana", true);
        sim.client().customerSends(customer, phone, "What is the price of a manicure?");
        Await.until("the assistant's reply", T, () -> sentTo(phone, customer).contains(PRICE));
        page.navigate(node.baseUrl() + "/console#/conversations?session=" + session);
        page.locator("#live-status[data-status=WORKING]").waitFor();
        page.locator("#chats button[data-chat^='%s']".formatted(customer)).click();
        page.locator("#messages li.in", new Page.LocatorOptions().setHasText("price of a manicure"))
                .waitFor();
        var reply = page.locator("#messages li.out[data-kind=quick]", new Page.LocatorOptions().setHasText(PRICE));
        reply.waitFor();
        assertThat(reply.innerText()).contains("quick answer");

        // take over: answer as a person; the assistant pauses in this chat
        page.getByLabel("Answer as a person").fill("Hello Dana, this is Aida. I can see you at 3 pm.");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                .click();
        Await.until(
                "the person's answer reaches the customer",
                T,
                () -> sentTo(phone, customer).contains("Hello Dana, this is Aida. I can see you at 3 pm."));
        page.locator("#messages li.out[data-kind=api]", new Page.LocatorOptions().setHasText("this is Aida"))
                .waitFor();
        page.getByText("Hand back to the assistant").waitFor();
        ConsoleBrowser.screenshot(page, "03-conversations");
        sim.client().customerSends(customer, phone, "And the price of a pedicure?");
        // the chat's new message comes by the session's event stream, well before the page's slow poll
        page.locator("#messages li.in", new Page.LocatorOptions().setHasText("pedicure"))
                .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
        Thread.sleep(2000);
        assertThat(sentTo(phone, customer))
                .as("the assistant keeps quiet while a person has the chat")
                .hasSize(2);

        // hand back: the assistant answers again
        page.getByText("Hand back to the assistant").click();
        page.getByText("The assistant answers this chat").waitFor();
        sim.client().customerSends(customer, phone, "price for nails?");
        Await.until(
                "the assistant answers again", T, () -> sentTo(phone, customer).size() == 3);
        assertThat(sentTo(phone, customer).get(2)).isEqualTo(PRICE);

        // a request for a person escalates: the chat goes on top, marked, with the escalation above the chats
        String asking = TestEnv.phone();
        sim.client().upsertCustomer(asking, "Aruzhan", true);
        sim.client().customerSends(asking, phone, "Позовите администратора, пожалуйста");
        var escalation = page.locator("#escalations").getByText("asked_for_person");
        escalation.waitFor();
        var first = page.locator("#chats li button").first();
        assertThat(first.getAttribute("data-chat")).startsWith(asking);
        assertThat(first.innerText()).contains("escalated");
        page.locator("#escalations")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Resolve"))
                .click();
        Await.until(
                "the escalation resolved",
                T,
                () -> page.locator("#escalations li").count() == 0);
        assertThat(api.get("/api/tenants/%s/escalations?status=open".formatted(salon))
                        .json()
                        .size())
                .isZero();

        // sign out: the cookie no longer signs anything in
        String cookie = consoleCookie(page).value;
        page.getByText("Sign out").click();
        page.locator("#sign-in-form").waitFor();
        assertThat(withCookie(node.baseUrl(), "GET", "/api/sessions", cookie, null)
                        .statusCode())
                .isEqualTo(401);
        page.reload();
        page.locator("#sign-in-form").waitFor();
        assertThat(page.locator("#nav").isVisible()).isFalse();
    }

    @Test
    void theCookieIsHttpOnlyStrictExpiringValidOnEveryNodeAndChangesNeedItsCsrfToken() throws Exception {
        // by keyboard only: the key field has focus, Enter submits
        Page page = browser.desktop();
        page.navigate(node.baseUrl() + "/console");
        page.locator("#api-key:focus").waitFor();
        page.keyboard().type(node.adminKey());
        page.keyboard().press("Enter");
        page.locator("#nav").waitFor();
        Cookie cookie = consoleCookie(page);
        assertThat(cookie.httpOnly).isTrue();
        assertThat(cookie.sameSite).isEqualTo(SameSiteAttribute.STRICT);
        assertThat(Instant.ofEpochSecond((long) cookie.expires.doubleValue()))
                .isBetween(
                        Instant.now().plus(Duration.ofHours(11)), Instant.now().plus(Duration.ofHours(13)));
        assertThat((String) page.evaluate("document.cookie")).doesNotContain("wagw_console");

        // a change from the page without the token, or with a wrong one, is refused; with it, it goes through
        String create = "{\"name\":\"csrf-%s\",\"start\":false}";
        var without = (Map<?, ?>) page.evaluate(
                "async (body) => { const r = await fetch('/api/sessions', {method: 'POST', headers: {'Content-Type': 'application/json'}, body}); return {status: r.status, body: await r.json()}; }",
                create.formatted("a"));
        assertThat(without.get("status")).isEqualTo(403);
        assertThat(((Map<?, ?>) without.get("body")).get("error")).isEqualTo("csrf_token_invalid");
        assertThat(withCookie(node.baseUrl(), "POST", "/api/sessions", cookie.value, create.formatted("b"))
                        .statusCode())
                .isEqualTo(403);
        String csrf = new JsonObject(withCookie(node.baseUrl(), "GET", "/console/me", cookie.value, null)
                        .body())
                .getString("csrfToken");
        var wrong = withCookie(node.baseUrl(), "POST", "/api/sessions", cookie.value, create.formatted("c"), "nope");
        assertThat(wrong.statusCode()).isEqualTo(403);
        String name = TestEnv.unique("csrf");
        var right = withCookie(
                node.baseUrl(),
                "POST",
                "/api/sessions",
                cookie.value,
                "{\"name\":\"%s\",\"start\":false}".formatted(name),
                csrf);
        assertThat(right.statusCode()).as(right.body()).isEqualTo(201);
        assertThat(api.get("/api/sessions/" + name).status()).isEqualTo(200);

        // the same cookie on another node of the same database
        var elsewhere = withCookie(second.baseUrl(), "GET", "/api/sessions?all=true", cookie.value, null);
        assertThat(elsewhere.statusCode()).isEqualTo(200);
        assertThat(elsewhere.body()).contains(name);
        // a sign-in made with a key that is revoked later ends with it
        var key = api.post("/api/keys", "{\"scope\":\"tenant\",\"tenant\":\"%s\"}".formatted(salon))
                .json();
        var signIn = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(node.baseUrl() + "/console/sign-in"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"apiKey\":\"%s\"}"
                                        .formatted(key.path("key").asText())))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(200);
        String tenantCookie =
                signIn.headers().firstValue("Set-Cookie").orElseThrow().replaceFirst("^wagw_console=([^;]*);.*$", "$1");
        assertThat(withCookie(node.baseUrl(), "GET", "/console/me", tenantCookie, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(api.delete("/api/keys/" + key.path("id").asText()).status()).isEqualTo(204);
        assertThat(withCookie(node.baseUrl(), "GET", "/console/me", tenantCookie, null)
                        .statusCode())
                .isEqualTo(401);
        // a made-up cookie is no sign-in
        assertThat(withCookie(node.baseUrl(), "GET", "/api/sessions", "made-up", null)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void aTenantsOwnerSeesOnlyHerOwnRowsOnEveryPage() throws Exception {
        String mine = TestEnv.unique("mine");
        assertThat(api.post(
                                "/api/sessions",
                                "{\"name\":\"%s\",\"tenant\":\"%s\",\"start\":false}".formatted(mine, salon))
                        .status())
                .isEqualTo(201);
        Page page = signIn(browser.phone(), node.baseUrl(), salonKey);
        assertThat(page.locator("#who").innerText()).contains(salon);
        page.locator("tr[data-session='%s']".formatted(mine)).waitFor();
        assertThat(page.locator("tr[data-session='%s']".formatted(otherSession)).count())
                .isZero();
        assertThat(page.locator("#sessions-table").innerText()).doesNotContain(otherSession);
        assertThat(page.locator("#sessions-table tbody tr").allInnerTexts()).allMatch(row -> row.contains(salon));
        assertThat(page.locator("a[data-page=cluster]").isVisible()).isFalse();
        ConsoleBrowser.screenshot(page, "04-sessions-phone");

        page.navigate(node.baseUrl() + "/console#/conversations");
        page.locator("select").first().waitFor();
        assertThat(page.locator("select").first().locator("option").allInnerTexts())
                .contains(mine)
                .doesNotContain(otherSession);
        page.navigate(node.baseUrl() + "/console#/usage");
        page.locator("#usage").getByText("Messages in").waitFor();
        assertThat(page.locator("select").first().locator("option").allInnerTexts())
                .containsExactly(salon);
        // a session's key: that session only, and no tenant pages
        String sessionKey = api.post("/api/keys", "{\"scope\":\"session\",\"session\":\"%s\"}".formatted(mine))
                .json()
                .path("key")
                .asText();
        Page sessionPage = signIn(browser.phone(), node.baseUrl(), sessionKey);
        sessionPage.locator("tr[data-session='%s']".formatted(mine)).waitFor();
        assertThat(sessionPage.locator("#sessions-table tbody tr").count()).isEqualTo(1);
        assertThat(sessionPage.locator("a[data-page=assistant]").isVisible()).isFalse();
        assertThat(sessionPage.locator("#create-session").count()).isZero();
        // nor through the API with her cookie
        String cookie = consoleCookie(page).value;
        assertThat(withCookie(node.baseUrl(), "GET", "/api/sessions/" + otherSession, cookie, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(withCookie(node.baseUrl(), "GET", "/api/" + otherSession + "/conversations", cookie, null)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void formsShowTheApisValidationMessages() {
        Page page = signIn(browser.desktop(), node.baseUrl(), salonKey);
        page.navigate(node.baseUrl() + "/console#/assistant");
        var form = page.locator("#settings-form");
        form.getByLabel("Time zone").waitFor();
        form.getByLabel("Time zone").fill("Mars/Olympus_Mons");
        form.getByText("Save settings").click();
        String expected = api.put("/api/tenants/%s/settings".formatted(salon), "{\"timezone\":\"Mars/Olympus_Mons\"}")
                .json()
                .path("message")
                .asText();
        assertThat(expected).isNotBlank();
        var alert = form.locator("[role=alert]");
        alert.getByText(expected, new com.microsoft.playwright.Locator.GetByTextOptions().setExact(false))
                .waitFor();
        assertThat(alert.innerText()).contains("timezone");
        assertThat(form.getByLabel("Time zone").getAttribute("aria-invalid")).isEqualTo("true");
        form.getByLabel("Time zone").fill("Asia/Almaty");
        form.getByText("Save settings").click();
        page.locator("#settings-form h2", new Page.LocatorOptions().setHasText("version 2"))
                .waitFor();

        // knowledge: saved as a version, answered in "try it", older versions compared with the active text
        page.getByLabel("Knowledge (Markdown").fill("# Prices\n- Manicure: 5000 ₸\n- Pedicure: 7000 ₸\n");
        page.getByText("Save knowledge version").click();
        page.locator("#knowledge li", new Page.LocatorOptions().setHasText("v1"))
                .waitFor();
        page.getByLabel("Knowledge (Markdown").fill("# Prices\n- Manicure: 6000 ₸\n- Pedicure: 7000 ₸\n");
        page.getByText("Save knowledge version").click();
        page.getByText("Diff v1 with the active text").click();
        assertThat(page.locator("#knowledge-diff .del").innerText()).contains("5000");
        assertThat(page.locator("#knowledge-diff .add").innerText()).contains("6000");
        page.getByLabel("A customer writes").fill("How much is a pedicure?");
        page.getByText("Ask", new Page.GetByTextOptions().setExact(true)).click();
        page.locator("#ask-result").getByText("7000").first().waitFor();
        ConsoleBrowser.screenshot(page, "05-assistant");

        // a bad session name in the sessions page
        page.navigate(node.baseUrl() + "/console#/sessions");
        page.locator("#create-session").getByLabel("Name").fill("no spaces allowed");
        page.getByText("Create and start").click();
        var sessionAlert = page.locator("#create-session [role=alert]");
        sessionAlert.getByText("name").first().waitFor();
        assertThat(page.locator("#create-session").getByLabel("Name").getAttribute("aria-invalid"))
                .isEqualTo("true");
    }

    @Test
    void theWebhooksPageShowsDeadLettersAndRetriesThem() {
        String session = TestEnv.unique("hooks");
        String config = """
                {"webhooks":[{"url":"http://127.0.0.1:%d/hook","events":["session.status"],"retries":{"attempts":1}}]}""".formatted(receiver.getAddress().getPort());
        var created = api.post(
                "/api/sessions", "{\"name\":\"%s\",\"tenant\":\"%s\",\"config\":%s}".formatted(session, salon, config));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Await.until(
                "a dead letter",
                T,
                () -> api.get("/api/" + session + "/webhooks/deliveries?status=dead")
                                .json()
                                .path("deliveries")
                                .size()
                        > 0);
        api.post("/api/sessions/" + session + "/stop", null);
        Page page = signIn(browser.desktop(), node.baseUrl(), salonKey);
        page.navigate(node.baseUrl() + "/console#/webhooks?session=" + session);
        var retry = page.locator("button[aria-label^='Retry delivery']").first();
        retry.waitFor();
        assertThat(page.locator("#webhook-counts").innerText()).contains("dead");
        ConsoleBrowser.screenshot(page, "08-webhooks");
        receiverStatus.set(200);
        int dead = api.get("/api/" + session + "/webhooks/deliveries?status=dead")
                .json()
                .path("deliveries")
                .size();
        retry.click();
        Await.until(
                "the retried delivery delivered",
                T,
                () -> api.get("/api/" + session + "/webhooks/deliveries?status=delivered")
                                .json()
                                .path("deliveries")
                                .size()
                        > 0);
        assertThat(api.get("/api/" + session + "/webhooks/deliveries?status=dead")
                        .json()
                        .path("deliveries")
                        .size())
                .isEqualTo(dead - 1);
        page.locator("#webhook-counts").getByText("delivered").waitFor();
    }

    @Test
    void theUsagePageShowsTheMonthsMessagesAndTheQuotaAsABar() {
        Page page = signIn(browser.phone(), node.baseUrl(), salonKey);
        page.navigate(node.baseUrl() + "/console#/usage");
        var bar = page.getByRole(AriaRole.PROGRESSBAR, new Page.GetByRoleOptions().setName("Quota used"));
        bar.waitFor();
        assertThat(bar.getAttribute("aria-valuemax")).isEqualTo("50");
        var usage = api.get("/api/tenants/%s/usage".formatted(salon)).json();
        assertThat(page.locator("#quota-text").innerText()).contains("of 50");
        assertThat(page.locator("#usage-in").innerText()).isNotBlank();
        assertThat(usage.path("assistant").path("quota").asLong()).isEqualTo(50);
        ConsoleBrowser.screenshot(page, "09-usage-phone");
        page.getByLabel("Month").fill("2026-01");
        page.getByLabel("Month").dispatchEvent("change");
        page.locator("#usage-in")
                .getByText("0", new com.microsoft.playwright.Locator.GetByTextOptions().setExact(true))
                .waitFor();
    }

    @Test
    void promptVersionsAreSavedActivatedAndRolledBack() {
        Page page = signIn(browser.desktop(), node.baseUrl(), node.adminKey());
        page.navigate(node.baseUrl() + "/console#/assistant?tenant=" + salon);
        var prompts = page.locator("#prompts");
        prompts.getByLabel("Temperature").fill("hot");
        prompts.getByLabel("System prompt").fill("You are the salon's receptionist.");
        prompts.getByText("Save prompt version").click();
        prompts.locator("[role=alert]").getByText("temperature").waitFor();
        prompts.getByLabel("Temperature").fill("0.2");
        prompts.getByText("Save prompt version").click();
        prompts.locator("li[data-version='1'][data-active=true]").waitFor();
        prompts.getByLabel("System prompt").fill("You are the salon's receptionist. Be brief.");
        prompts.getByText("Save prompt version").click();
        prompts.locator("li[data-version='2'][data-active=false]").waitFor();
        prompts.getByText("Activate v2").click();
        prompts.locator("li[data-version='2'][data-active=true]").waitFor();
        prompts.getByText("Roll back to the previous version").click();
        prompts.locator("li[data-version='1'][data-active=true]").waitFor();
        assertThat(api.get("/api/tenants/%s/prompts".formatted(salon)).text()).contains("\"version\":1");
    }

    @Test
    void anOwnerOnTheLinkingPhoneLinksWithAPairingCodeInsteadOfTheQr() {
        String session = TestEnv.unique("by-phone");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Salon Aida");
        assertThat(api.post("/api/sessions", "{\"name\":\"%s\",\"tenant\":\"%s\"}".formatted(session, salon))
                        .status())
                .isEqualTo(201);
        String link = api.get("/api/" + session + "/auth/pair-link")
                .json()
                .path("url")
                .asText();
        Page page = browser.phone();
        page.navigate(link);
        page.locator("#status[data-status=SCAN_QR_CODE]").waitFor();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Link with phone number instead"))
                .click();
        page.getByLabel("Your WhatsApp number").fill("12");
        page.getByText("Get a code").click();
        page.locator("#code-error").getByText("phone").waitFor();
        assertThat(page.getByLabel("Your WhatsApp number").getAttribute("aria-invalid"))
                .isEqualTo("true");

        page.getByLabel("Your WhatsApp number").fill("+" + phone);
        page.getByText("Get a code").click();
        page.locator("#code-steps").waitFor();
        String code = page.locator("#code").innerText();
        assertThat(code).matches("[A-Z0-9]{4}-[A-Z0-9]{4}");
        assertThat(page.locator("#code-steps").innerText()).contains("Link with phone number instead");
        ConsoleBrowser.screenshot(page, "06-pairing-page-by-phone");
        sim.client().linkByCode(phone, code);
        page.locator("#status[data-status=WORKING]").waitFor();
        assertThat(page.locator("#status").innerText()).contains("Linked");
        assertThat(page.locator("#by-phone").isVisible()).isFalse();
    }

    private static Cookie consoleCookie(Page page) {
        return page.context().cookies().stream()
                .filter(c -> c.name.equals("wagw_console"))
                .findFirst()
                .orElseThrow();
    }

    private static HttpResponse<String> withCookie(String base, String method, String path, String cookie, String body)
            throws Exception {
        return withCookie(base, method, path, cookie, body, null);
    }

    private static HttpResponse<String> withCookie(
            String base, String method, String path, String cookie, String body, String csrf) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Cookie", "wagw_console=" + cookie)
                .header("Accept", "application/json");
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
