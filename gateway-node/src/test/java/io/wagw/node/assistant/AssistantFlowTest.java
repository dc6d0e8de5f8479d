package io.wagw.node.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.sim.api.MessageInfo;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The assistant end to end: a real node, Chromium, the simulator and PostgreSQL. A salon saves its settings
 * through the API; its customers' messages get quick answers, escalations reach the manager's phone and
 * the tenant's webhook, an opt-out silences the assistant until "start".
 */
class AssistantFlowTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static WaSimulator sim;
    private static Node node;
    private static Http api;
    private static HttpServer receiver;
    private static final List<String> events = new CopyOnWriteArrayList<>();
    private static String tenant;
    private static String session;
    private static String phone;
    private static String manager;

    @BeforeAll
    static void linkASalon() throws Exception {
        sim = TestEnv.sim();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            events.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        var env = TestEnv.nodeEnv("assistant-node");
        env.put("GW_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8");
        node = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        api = new Http(node.baseUrl(), node.adminKey());

        tenant = TestEnv.unique("salon");
        session = tenant + "-main";
        phone = TestEnv.phone();
        manager = TestEnv.phone();
        sim.client().createAccount(phone, "Salon Aida");
        sim.client().upsertCustomer(manager, "Aida (manager)", true);
        assertThat(api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Salon Aida\"}".formatted(tenant))
                        .status())
                .isEqualTo(201);
        assertThat(api.put("/api/tenants/" + tenant, "{\"status\":\"active\"}").status())
                .isEqualTo(200);
        var saved = api.put("/api/tenants/%s/settings".formatted(tenant), """
                {"businessName":"Salon Aida","timezone":"Asia/Almaty","languages":["ru","en"],
                 "escalation":{"contacts":[{"name":"Aida","phone":"%s"}],"cooldownMinutes":30},
                 "quickReplies":[{"pattern":"цена|price","reply":"Маникюр с покрытием — 12 000 ₸"}]}""".formatted(manager));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().path("version").asLong()).isEqualTo(1);
        String config = """
                {"webhooks":[{"url":"http://127.0.0.1:%d/hook","events":["assistant.escalation"]}]}""".formatted(receiver.getAddress().getPort());
        var created = api.post(
                "/api/sessions",
                "{\"name\":\"%s\",\"tenant\":\"%s\",\"config\":%s}".formatted(session, tenant, config));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        ClusterApi.linkAndAwaitWorking(api, sim.client(), session, phone, T);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private static List<String> sentTo(String chatPhone) {
        return sim.client().sent(phone).stream()
                .filter(m -> m.to().startsWith(chatPhone))
                .map(MessageInfo::text)
                .toList();
    }

    private static String nextReplyTo(String customer, int before) {
        Await.until("a reply to " + customer, T, () -> sentTo(customer).size() > before);
        return sentTo(customer).get(before);
    }

    @Test
    void aSalonsCustomersAreAnsweredEscalatedAndLeftAloneWhenTheyAsk() {
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Dana", true);

        sim.client().customerSends(customer, phone, "Здравствуйте! Какая цена на маникюр?");
        assertThat(nextReplyTo(customer, 0)).isEqualTo("Маникюр с покрытием — 12 000 ₸");

        sim.client().customerSends(customer, phone, "Позовите администратора, пожалуйста");
        assertThat(nextReplyTo(customer, 1)).contains("администратору");
        Await.until("the manager is told", T, () -> !sentTo(manager).isEmpty());
        assertThat(sentTo(manager).get(0))
                .contains("Dana")
                .contains("+" + customer)
                .contains("Позовите");
        var open = api.get("/api/tenants/%s/escalations?status=open".formatted(tenant))
                .json();
        assertThat(open).hasSize(1);
        assertThat(open.get(0).path("reason").asText()).isEqualTo("asked_for_person");
        Await.until(
                "the escalation webhook", T, () -> events.stream().anyMatch(e -> e.contains("assistant.escalation")));
        assertThat(events.get(0)).contains("asked_for_person").contains(session);

        sim.client().customerSends(customer, phone, "стоп");
        assertThat(nextReplyTo(customer, 2)).contains("старт");
        sim.client().customerSends(customer, phone, "цена?");
        sim.client().customerSends(customer, phone, "старт");
        // handled in order: the opt-in's answer comes right after the opt-out's, "цена?" got nothing
        assertThat(nextReplyTo(customer, 3)).contains("С возвращением");
        assertThat(sentTo(customer)).hasSize(4);

        var profile = api.get("/api/tenants/%s/customers/%s".formatted(tenant, customer));
        assertThat(profile.status()).as(profile.text()).isEqualTo(200);
        assertThat(profile.json().path("messageCount").asLong()).isEqualTo(5);
        assertThat(profile.json().path("optedOut").asBoolean()).isFalse();
        assertThat(profile.json().path("language").asText()).isEqualTo("ru");

        var usage = api.get("/api/tenants/%s/usage".formatted(tenant));
        assertThat(usage.status()).as(usage.text()).isEqualTo(200);
        assertThat(usage.json().path("assistant").path("answers").asLong()).isPositive();
        assertThat(usage.json().path("assistant").path("escalations").asLong()).isPositive();
        assertThat(api.get("/api/tenants/%s/usage?month=2026-13".formatted(tenant))
                        .json()
                        .path("field")
                        .asText())
                .isEqualTo("month");
    }

    @Test
    void uploadedKnowledgeAnswersWithTheLineAskedForAndUnrelatedQuestionsEscalate() {
        // a tenant of its own, so that the other tests' salon keeps answering without knowledge
        String salon = TestEnv.unique("salon");
        assertThat(api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Salon Bota\"}".formatted(salon))
                        .status())
                .isEqualTo(201);
        assertThat(api.put("/api/tenants/" + salon, "{\"status\":\"active\"}").status())
                .isEqualTo(200);
        assertThat(api.put("/api/tenants/%s/settings".formatted(salon), """
                        {"businessName":"Salon Bota","timezone":"Asia/Almaty","languages":["ru","en"]}""").status())
                .isEqualTo(200);
        String knowledge = "/api/tenants/%s/knowledge".formatted(salon);
        String ask = "/api/tenants/%s/assistant/ask".formatted(salon);
        assertThat(api.get(knowledge).json().path("version").asInt()).isZero();

        var none = api.post(ask, "{\"text\":\"Сколько стоит маникюр?\"}");
        assertThat(none.status()).as(none.text()).isEqualTo(200);
        assertThat(none.json().path("escalate").asBoolean())
                .as("no knowledge yet")
                .isTrue();

        String markdown = """
                # Цены / Prices
                ## Ногти / Nails
                - Маникюр / Manicure — 5000 ₸
                - Педикюр / Pedicure — 7000 ₸
                ## Волосы / Hair
                - Стрижка / Haircut — 8000 ₸

                # Часы работы / Opening hours
                - Пн–Сб / Mon–Sat: 10:00–20:00
                - Воскресенье / Sunday: выходной / closed
                """;
        var up = api.put(
                knowledge,
                new JsonObject().put("format", "markdown").put("text", markdown).encode());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        assertThat(up.json().path("version").asInt()).isEqualTo(1);
        assertThat(up.json().path("chunks").asInt()).isEqualTo(3);
        assertThat(api.get(knowledge).json().path("text").asText()).isEqualTo(markdown);

        var ru = api.post(ask, "{\"text\":\"Сколько стоит маникюр?\",\"customer\":\"+77011234567\"}");
        assertThat(ru.status()).as(ru.text()).isEqualTo(200);
        assertThat(ru.json().path("answer").asText())
                .contains("5000")
                .doesNotContain("7000")
                .doesNotContain("10:00");
        assertThat(ru.json().path("kind").asText()).isEqualTo("knowledge");
        assertThat(ru.json().path("escalate").asBoolean()).isFalse();
        assertThat(ru.json().path("confidence").asDouble()).isGreaterThanOrEqualTo(0.5);
        assertThat(ru.json().path("sources").get(0).asText()).isEqualTo("Цены / Prices > Ногти / Nails");

        var en = api.post(ask, "{\"text\":\"How much is a pedicure?\"}");
        assertThat(en.json().path("answer").asText()).contains("7000").doesNotContain("5000");
        assertThat(en.json().path("escalate").asBoolean()).isFalse();
        var sunday = api.post(ask, "{\"text\":\"Are you open on Sunday?\"}");
        assertThat(sunday.json().path("answer").asText()).contains("closed").doesNotContain("₸");

        for (String unrelated : List.of("Can I bring my dog?", "Где купить билеты на самолёт?")) {
            var r = api.post(ask, new JsonObject().put("text", unrelated).encode());
            assertThat(r.json().path("escalate").asBoolean()).as(unrelated).isTrue();
            assertThat(r.json().path("kind").asText()).as(unrelated).isEqualTo("template");
            assertThat(r.json().path("confidence").asDouble()).as(unrelated).isLessThan(0.5);
        }
        assertThat(api.get("/api/tenants/%s/escalations".formatted(salon)).json())
                .as("asking records nothing")
                .isEmpty();

        var v2 = api.put(knowledge, """
                {"format":"qa","items":[{"question":"Do you have parking?","answer":"Yes, free parking in the yard."}]}""");
        assertThat(v2.status()).as(v2.text()).isEqualTo(200);
        assertThat(v2.json().path("version").asInt()).isEqualTo(2);
        assertThat(api.post(ask, "{\"text\":\"Is there parking?\"}")
                        .json()
                        .path("answer")
                        .asText())
                .isEqualTo("Yes, free parking in the yard.");
        assertThat(api.post(ask, "{\"text\":\"Сколько стоит маникюр?\"}")
                        .json()
                        .path("escalate")
                        .asBoolean())
                .as("version 1 is no longer active")
                .isTrue();
        var versions = api.get(knowledge + "/versions").json();
        assertThat(versions.findValuesAsText("version")).containsExactly("2", "1");
        assertThat(versions.get(0).path("active").asBoolean()).isTrue();
        var restored = api.post(knowledge + "/versions/1/restore", "");
        assertThat(restored.status()).as(restored.text()).isEqualTo(200);
        assertThat(api.post(ask, "{\"text\":\"Сколько стоит маникюр?\"}")
                        .json()
                        .path("answer")
                        .asText())
                .contains("5000");

        assertThat(api.put(knowledge, "{\"format\":\"pdf\",\"text\":\"x\"}")
                        .json()
                        .path("field")
                        .asText())
                .isEqualTo("format");
        assertThat(api.put(knowledge, "{\"format\":\"qa\",\"items\":[{\"question\":\"q\"}]}")
                        .json()
                        .path("field")
                        .asText())
                .isEqualTo("items[0].answer");
        assertThat(api.put(knowledge, "{\"format\":\"markdown\"}")
                        .json()
                        .path("field")
                        .asText())
                .isEqualTo("text");
        assertThat(api.post(knowledge + "/versions/9/restore", "").status()).isEqualTo(404);
        var noText = api.post(ask, "{\"customer\":\"77011234567\"}");
        assertThat(noText.status()).isEqualTo(400);
        assertThat(noText.json().path("field").asText()).isEqualTo("text");
        assertThat(api.post(ask, "{\"text\":\"hi\",\"customer\":\"abc\"}")
                        .json()
                        .path("field")
                        .asText())
                .isEqualTo("customer");
        assertThat(api.get(knowledge + "/versions").json())
                .as("bad uploads change nothing")
                .hasSize(2);
    }

    @Test
    void aPersonWritingThroughTheApiPausesTheAssistantInThatChat() {
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Marat", true);
        var sent = api.post(
                "/api/sendText",
                "{\"session\":\"%s\",\"chatId\":\"%s@c.us\",\"text\":\"Marat, your booking is at 15:00\"}"
                        .formatted(session, customer));
        assertThat(sent.status()).as(sent.text()).isEqualTo(201);
        sim.client().customerSends(customer, phone, "price?");
        // the customer's profile counts the message once the assistant decided on it
        Await.until(
                "the message decided",
                T,
                () -> api.get("/api/tenants/%s/customers/%s".formatted(tenant, customer))
                                .json()
                                .path("messageCount")
                                .asLong()
                        == 1);
        String other = TestEnv.phone();
        sim.client().upsertCustomer(other, "Aliya", true);
        sim.client().customerSends(other, phone, "price?");
        assertThat(nextReplyTo(other, 0)).isEqualTo("Маникюр с покрытием — 12 000 ₸");
        assertThat(sentTo(customer)).containsExactly("Marat, your booking is at 15:00");
    }

    @Test
    void aTenantsKeySeesAndChangesOnlyItsOwnTenant() {
        var created = api.post("/api/keys", "{\"scope\":\"tenant\",\"tenant\":\"%s\"}".formatted(tenant));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().path("tenant").asText()).isEqualTo(tenant);
        var owner = api.withKey(created.json().path("key").asText());
        String otherTenant = TestEnv.unique("shop");
        api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Shop\"}".formatted(otherTenant));
        String otherSession = otherTenant + "-main";
        assertThat(api.post(
                                "/api/sessions",
                                "{\"name\":\"%s\",\"tenant\":\"%s\",\"start\":false}"
                                        .formatted(otherSession, otherTenant))
                        .status())
                .isEqualTo(201);

        assertThat(owner.get("/api/tenants/%s/settings".formatted(tenant)).status())
                .isEqualTo(200);
        assertThat(owner.get("/api/tenants/%s/escalations".formatted(tenant)).status())
                .isEqualTo(200);
        assertThat(owner.get("/api/tenants/" + tenant).status()).isEqualTo(200);
        assertThat(owner.get("/api/sessions/" + session).status()).isEqualTo(200);
        assertThat(owner.get("/api/sessions?all=true").json().findValuesAsText("name"))
                .contains(session)
                .doesNotContain(otherSession);

        var foreignSettings = owner.get("/api/tenants/%s/settings".formatted(otherTenant));
        assertThat(foreignSettings.status()).isEqualTo(403);
        assertThat(foreignSettings.text()).doesNotContain("Shop");
        assertThat(owner.get("/api/sessions/" + otherSession).status()).isEqualTo(403);
        assertThat(owner.put("/api/tenants/%s/settings".formatted(otherTenant), "{}")
                        .status())
                .isEqualTo(403);
        assertThat(owner.get("/api/keys").status()).isEqualTo(403);
        assertThat(owner.get("/api/tenants").status()).isEqualTo(403);
        assertThat(owner.post(
                                "/api/sessions",
                                "{\"name\":\"%s\",\"tenant\":\"%s\",\"start\":false}"
                                        .formatted(TestEnv.unique("x"), otherTenant))
                        .status())
                .isEqualTo(403);
        String own = TestEnv.unique("own");
        var mine = owner.post("/api/sessions", "{\"name\":\"%s\",\"start\":false}".formatted(own));
        assertThat(mine.status()).as(mine.text()).isEqualTo(201);
        assertThat(node.store().sessions().get(own).tenant()).isEqualTo(tenant);
    }

    @Test
    void aBusinessIsOnboardedInOneCallOrNotAtAll() {
        String slug = TestEnv.unique("clinic");
        var bad = api.post("/api/tenants", """
                {"slug":"%s","displayName":"Clinic","status":"active",
                 "settings":{"timezone":"Asia/Almaty","quietHours":{"from":"25:00"}}}""".formatted(slug));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asText()).isEqualTo("settings.quietHours.from");
        assertThat(api.get("/api/tenants/" + slug).status())
                .as("nothing half-done")
                .isEqualTo(404);

        var badKnowledge = api.post("/api/tenants", """
                {"slug":"%s","displayName":"Clinic","settings":{},"knowledge":{"format":"pdf","text":"x"}}""".formatted(slug));
        assertThat(badKnowledge.status()).isEqualTo(400);
        assertThat(badKnowledge.json().path("field").asText()).isEqualTo("knowledge.format");
        assertThat(api.get("/api/tenants/" + slug).status()).isEqualTo(404);

        var ok = api.post("/api/tenants", """
                {"slug":"%s","displayName":"Clinic","status":"active",
                 "settings":{"timezone":"Asia/Almaty","languages":["kk","ru"]},
                 "knowledge":{"format":"markdown","text":"# Цены\\n- Чистка зубов: 25 000 ₸\\n- Пломба: 18 000 ₸\\n\\n# Часы работы\\n- Пн–Пт 9:00–18:00\\n"}}""".formatted(slug));
        assertThat(ok.status()).as(ok.text()).isEqualTo(201);
        assertThat(ok.json().path("status").asText()).isEqualTo("active");
        var settings = api.get("/api/tenants/%s/settings".formatted(slug)).json();
        assertThat(settings.path("version").asLong()).isEqualTo(1);
        assertThat(settings.path("languages").get(0).asText()).isEqualTo("kk");
        assertThat(api.get("/api/tenants/%s/knowledge".formatted(slug))
                        .json()
                        .path("version")
                        .asInt())
                .isEqualTo(1);
        var asked = api.post("/api/tenants/%s/assistant/ask".formatted(slug), "{\"text\":\"Сколько стоит пломба?\"}");
        assertThat(asked.status()).as(asked.text()).isEqualTo(200);
        assertThat(asked.json().path("answer").asText()).contains("18 000").doesNotContain("25 000");
        assertThat(api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Again\"}".formatted(slug))
                        .status())
                .isEqualTo(409);
    }

    @Test
    void badSettingsAreRefusedByFieldAndChangeNothing() {
        var before = api.get("/api/tenants/%s/settings".formatted(tenant)).json();
        var bad = api.put("/api/tenants/%s/settings".formatted(tenant), "{\"timezone\":\"Mars/Olympus\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asText()).isEqualTo("timezone");
        var nested = api.put(
                "/api/tenants/%s/settings".formatted(tenant),
                "{\"escalation\":{\"contacts\":[{\"name\":\"A\",\"phone\":\"12ab\"}]}}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json().path("field").asText()).isEqualTo("escalation.contacts[0].phone");
        var unknown = api.put("/api/tenants/%s/settings".formatted(tenant), "{\"timeZone\":\"UTC\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("field").asText()).isEqualTo("timeZone");
        assertThat(api.get("/api/tenants/%s/settings".formatted(tenant)).json()).isEqualTo(before);
        assertThat(api.get("/api/tenants/nobody-here/settings").status()).isEqualTo(404);
        assertThat(api.get("/api/tenants/%s/customers/12ab".formatted(tenant)).status())
                .isEqualTo(400);
        assertThat(api.get("/api/tenants/%s/escalations?status=closed".formatted(tenant))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void promptVersionsAreCreatedListedActivatedAndRolledBack() {
        String prompts = "/api/tenants/%s/prompts".formatted(tenant);
        var first = api.post(prompts, """
                {"systemPrompt":"You are Salon Aida's receptionist.\\nAnswer briefly.","model":"gpt-4o-mini",
                 "temperature":0.7}""");
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.json().path("version").asInt()).isEqualTo(1);
        assertThat(first.json().path("active").asBoolean())
                .as("the first version")
                .isTrue();
        assertThat(first.json().path("systemPrompt").asText()).contains("\nAnswer briefly.");
        var second = api.post(prompts, "{\"systemPrompt\":\"Be formal.\",\"model\":\"gpt-4o\",\"temperature\":1}");
        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(second.json().path("version").asInt()).isEqualTo(2);
        assertThat(second.json().path("active").asBoolean()).isFalse();

        var activated = api.post(prompts + "/2/activate", "");
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        assertThat(activated.json().path("active").asBoolean()).isTrue();
        var list = api.get(prompts);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("version")).containsExactly("2", "1");
        assertThat(list.json().get(0).path("active").asBoolean()).isTrue();
        assertThat(list.json().get(1).path("active").asBoolean()).isFalse();
        var v1Period = list.json().get(1).path("activePeriods").get(0);
        assertThat(v1Period.path("to").asText())
                .isEqualTo(list.json()
                        .get(0)
                        .path("activePeriods")
                        .get(0)
                        .path("from")
                        .asText());
        assertThat(list.json().get(0).path("temperature").asDouble()).isEqualTo(1.0);

        var back = api.post(prompts + "/rollback", "");
        assertThat(back.status()).as(back.text()).isEqualTo(200);
        assertThat(back.json().path("version").asInt()).isEqualTo(1);
        assertThat(back.json().path("activePeriods")).hasSize(2);
        assertThat(api.get(prompts).json().get(0).path("active").asBoolean()).isFalse();

        var hot = api.post(prompts, "{\"systemPrompt\":\"Hot.\",\"model\":\"m\",\"temperature\":3.5}");
        assertThat(hot.status()).isEqualTo(400);
        assertThat(hot.json().path("field").asText()).isEqualTo("temperature");
        var text = api.post(prompts, "{\"systemPrompt\":\"Hot.\",\"model\":\"m\",\"temperature\":\"1\"}");
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.json().path("field").asText()).isEqualTo("temperature");
        var noModel = api.post(prompts, "{\"systemPrompt\":\"Hot.\",\"temperature\":1}");
        assertThat(noModel.status()).isEqualTo(400);
        assertThat(noModel.json().path("field").asText()).isEqualTo("model");
        assertThat(api.post(prompts + "/9/activate", "").status()).isEqualTo(404);
        assertThat(api.post(prompts + "/two/activate", "").json().path("field").asText())
                .isEqualTo("version");
        assertThat(api.get(prompts).json()).hasSize(2);

        String otherTenant = TestEnv.unique("cafe");
        api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Cafe\"}".formatted(otherTenant));
        var key = api.post("/api/keys", "{\"scope\":\"tenant\",\"tenant\":\"%s\"}".formatted(otherTenant));
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        var stranger = api.withKey(key.json().path("key").asText());
        assertThat(stranger.get(prompts).status()).isEqualTo(403);
        assertThat(stranger.post(prompts, "{\"systemPrompt\":\"x\",\"model\":\"m\",\"temperature\":1}")
                        .status())
                .isEqualTo(403);
        assertThat(stranger.post(prompts + "/2/activate", "").status()).isEqualTo(403);
        assertThat(stranger.post(prompts + "/rollback", "").status()).isEqualTo(403);
        assertThat(stranger.get("/api/tenants/%s/prompts".formatted(otherTenant))
                        .json())
                .as("its own tenant has none")
                .isEmpty();
        assertThat(api.get(prompts).json().get(1).path("active").asBoolean())
                .as("nothing changed")
                .isTrue();
    }
}
