package io.wagw.node.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.llm.FakeLlm;
import io.wagw.sim.llm.FakeLlm.Fault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant with its own language model provider, end to end: a real node, Chromium, the simulator,
 * PostgreSQL, and a local fake provider speaking OpenAI's format. The customer is answered by the model;
 * when the provider fails or hangs, the customer still gets exactly one reply, from the knowledge; the
 * breaker's state shows in {@code /health} and {@code /metrics}, the calls in the tenant's usage.
 */
class ModelFlowTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String SECRET = "sk-flow-secret-0123456789";
    private static final String MODEL_ANSWER = "A manicure with coating costs 12 000 ₸.";
    private static WaSimulator sim;
    private static FakeLlm fake;
    private static Node node;
    private static Http api;
    private static String tenant;
    private static String phone;

    @BeforeAll
    static void linkASalonWithAModel() {
        sim = TestEnv.sim();
        fake = FakeLlm.start();
        fake.answering(r -> MODEL_ANSWER);
        var env = TestEnv.nodeEnv("model-node");
        // the first call loads LangChain4j and Jackson: on a loaded machine it takes well over a second
        env.put("GW_LLM_TIMEOUT_MS", "3000");
        env.put("GW_LLM_RETRIES", "1");
        env.put("GW_LLM_PRICES", "salon-model=1/2");
        node = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        api = new Http(node.baseUrl(), node.adminKey());

        tenant = TestEnv.unique("salon");
        String session = tenant + "-main";
        phone = TestEnv.phone();
        sim.client().createAccount(phone, "Salon Aida");
        assertThat(api.post("/api/tenants", "{\"slug\":\"%s\",\"displayName\":\"Salon Aida\"}".formatted(tenant))
                        .status())
                .isEqualTo(201);
        assertThat(api.put("/api/tenants/" + tenant, "{\"status\":\"active\"}").status())
                .isEqualTo(200);
        var saved = api.put("/api/tenants/%s/settings".formatted(tenant), """
                {"businessName":"Salon Aida","languages":["en","ru"],
                 "model":{"provider":"openai","baseUrl":"%s","apiKey":"%s","mainModel":"salon-model"}}""".formatted(fake.openAiUrl(), SECRET));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.text()).doesNotContain(SECRET);
        assertThat(saved.json().path("model").path("apiKeySet").asBoolean()).isTrue();
        var knowledge = api.put("/api/tenants/%s/knowledge".formatted(tenant), """
                {"format":"markdown","text":"# Prices\\n- Manicure with coating: 12 000 ₸\\n- Pedicure: 15 000 ₸\\n# Hours\\n- Monday to Saturday 10:00–20:00, Sunday closed\\n"}""");
        assertThat(knowledge.status()).as(knowledge.text()).isEqualTo(200);
        var created = api.post("/api/sessions", "{\"name\":\"%s\",\"tenant\":\"%s\"}".formatted(session, tenant));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        ClusterApi.linkAndAwaitWorking(api, sim.client(), session, phone, T);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private static List<String> sentTo(String chatPhone) {
        return sim.client().sent(phone).stream()
                .filter(m -> m.to().startsWith(chatPhone))
                .map(MessageInfo::text)
                .toList();
    }

    /** Waits for the reply, then a while longer to see that no second one follows. */
    private static String onlyReplyTo(String customer, int before) throws InterruptedException {
        Await.until("a reply to " + customer, T, () -> sentTo(customer).size() > before);
        Thread.sleep(4_000);
        assertThat(sentTo(customer)).hasSize(before + 1);
        return sentTo(customer).get(before);
    }

    @Test
    void theModelAnswersAndAFailingOrHangingProviderStillGivesExactlyOneReply() throws Exception {
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Dana", true);

        sim.client().customerSends(customer, phone, "How much is a manicure?");
        assertThat(onlyReplyTo(customer, 0)).isEqualTo(MODEL_ANSWER);
        assertThat(fake.requests()).hasSize(1);
        assertThat(fake.requests().getFirst().apiKey()).isEqualTo(SECRET);
        assertThat(fake.requests().getFirst().model()).isEqualTo("salon-model");
        assertThat(fake.requests().getFirst().system()).contains("Manicure with coating: 12 000 ₸");

        fake.always(new Fault.ServerError(500));
        sim.client().customerSends(customer, phone, "How much is a pedicure?");
        assertThat(onlyReplyTo(customer, 1)).contains("15 000");
        assertThat(fake.requests()).hasSize(3); // the attempt and one retry

        fake.always(new Fault.Slow(Duration.ofSeconds(8)));
        sim.client().customerSends(customer, phone, "Are you open on Sunday?");
        assertThat(onlyReplyTo(customer, 2)).containsIgnoringCase("closed");
        assertThat(fake.requests()).hasSize(5);

        // five calls, four failed: the tenant's breaker is open and the provider is no longer called
        var health = api.get("/health").json();
        assertThat(health.path("llm").path("tenantBreakers").path("OPEN").asInt())
                .isEqualTo(1);
        assertThat(health.path("llm").path("configured").asBoolean()).isFalse(); // no node-wide provider
        assertThat(health.toString()).doesNotContain(tenant);
        assertThat(api.get("/metrics").text())
                .contains("resilience4j_circuitbreaker_state{name=\"tenant:%s\",state=\"open\"} 1.0".formatted(tenant));
        sim.client().customerSends(customer, phone, "How much is a manicure with coating?");
        assertThat(onlyReplyTo(customer, 3)).contains("12 000");
        assertThat(fake.requests()).hasSize(5);

        var settings = api.get("/api/tenants/%s/settings".formatted(tenant));
        assertThat(settings.text()).doesNotContain(SECRET).doesNotContain("apiKeySealed");
        assertThat(settings.json().path("model").path("apiKeySet").asBoolean()).isTrue();

        var bad = api.put("/api/tenants/%s/settings".formatted(tenant), """
                {"model":{"provider":"bard","mainModel":"m"}}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asText()).isEqualTo("model.provider");

        var models = api.get("/api/tenants/%s/usage".formatted(tenant))
                .json()
                .path("assistant")
                .path("models");
        assertThat(models).hasSize(1);
        var m = models.get(0);
        assertThat(m.path("provider").asText()).isEqualTo("tenant:" + tenant);
        assertThat(m.path("model").asText()).isEqualTo("salon-model");
        assertThat(m.path("calls").asLong()).isEqualTo(4);
        assertThat(m.path("failures").asLong()).isEqualTo(3);
        assertThat(m.path("tokensIn").asLong()).isPositive();
        assertThat(m.path("costUsd").asDouble()).isPositive();
    }
}
