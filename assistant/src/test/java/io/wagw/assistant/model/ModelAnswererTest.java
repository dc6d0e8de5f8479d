package io.wagw.assistant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.knowledge.Chunker;
import io.wagw.assistant.model.ModelProviders.NodeModels;
import io.wagw.assistant.pipeline.Decision;
import io.wagw.assistant.pipeline.Decision.Step;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.service.Answerers;
import io.wagw.assistant.service.AssistantService;
import io.wagw.sim.llm.FakeLlm;
import io.wagw.sim.llm.FakeLlm.Fault;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.StoreException;
import io.wagw.store.assistant.ModelUsage;
import io.wagw.store.tenant.TenantStatus;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model path of the assistant against a real PostgreSQL and two local fake providers (an OpenAI-compatible
 * primary, an Anthropic secondary): the prompt, routing, the fallback chain, the cache and its invalidation,
 * token and cost accounting, and a tenant's own provider whose key is stored sealed and never shown.
 */
class ModelAnswererTest {
    private static final String KNOWLEDGE = """
            # Prices
            - Manicure with coating: 12 000 ₸
            - Pedicure: 15 000 ₸
            # Hours
            - Monday to Saturday 10:00–20:00, Sunday closed
            """;
    private static final String MANICURE = "A manicure with coating costs 12 000 ₸.";
    private static final String LONG_QUESTION =
            "Hello! I would like to book a manicure for my daughter and me next week. How much is it? And do you work on Sunday?";

    private static SessionStore store;
    private static FakeLlm primary;
    private static FakeLlm secondary;

    private SimpleMeterRegistry registry;
    private ProviderGuards guards;
    private AssistantService service;
    private String tenant;

    @BeforeAll
    static void open() throws Exception {
        store = SessionStore.open(StoreConfig.embedded(Files.createTempDirectory("wagw-model-test")));
        primary = FakeLlm.start();
        secondary = FakeLlm.start();
    }

    @AfterAll
    static void close() {
        primary.close();
        secondary.close();
        store.close();
    }

    private static NodeModels models() {
        return new NodeModels(
                Optional.of(new ProviderConfig(
                        "primary",
                        ProviderKind.OPENAI,
                        primary.openAiUrl(),
                        "sk-node",
                        "main-model",
                        "cheap-model",
                        Duration.ofSeconds(3),
                        1)),
                Optional.of(new ProviderConfig(
                        "secondary",
                        ProviderKind.ANTHROPIC,
                        secondary.anthropicUrl(),
                        "sk-ant-node",
                        "claude-test",
                        null,
                        Duration.ofSeconds(3),
                        1)),
                Prices.parse("main-model=1/2,cheap-model=0.5/1,claude-test=3/15,tenant-model=2/4"),
                Duration.ofSeconds(3),
                1,
                8,
                Duration.ofSeconds(30));
    }

    private void startService(NodeModels models) {
        registry = new SimpleMeterRegistry();
        guards = new ProviderGuards(models.guardSettings(), registry);
        var answerer = Answerers.of(store, models, guards, ModelProviders::connect, Clock.systemUTC(), registry);
        service = new AssistantService(store, answerer, Clock.system(ZoneOffset.UTC), registry);
    }

    @BeforeEach
    void salon() {
        primary.reset();
        secondary.reset();
        primary.answering(r -> MANICURE);
        secondary.answering(r -> "Secondary: " + MANICURE);
        tenant = "m-" + UUID.randomUUID().toString().substring(0, 8);
        store.tenants().create(tenant, "Salon Aida", "free");
        store.tenants().setStatus(tenant, TenantStatus.ACTIVE);
        startService(models());
        service.saveSettings(tenant, Map.of("languages", List.of("en", "ru")));
        service.uploadKnowledge(tenant, "markdown", KNOWLEDGE);
    }

    @AfterEach
    void stopGuards() {
        guards.close();
    }

    private Decision ask(String text) {
        return service.ask(tenant, text, null);
    }

    @Test
    void aShortQuestionIsAnsweredByTheCheapModelFromTheRetrievedKnowledge() {
        Decision d = ask("How much is a manicure?");

        assertThat(d.step()).isEqualTo(Step.ANSWER);
        assertThat(d.reply().kind()).isEqualTo(ReplyKind.MODEL);
        assertThat(d.reply().text()).isEqualTo(MANICURE);
        assertThat(d.reply().answer().sources()).contains("Prices");
        var r = primary.requests().getFirst();
        assertThat(r.model()).isEqualTo("cheap-model");
        assertThat(r.apiKey()).isEqualTo("sk-node");
        assertThat(r.user()).isEqualTo("How much is a manicure?");
        assertThat(r.system())
                .contains("Salon Aida")
                .contains("Manicure with coating: 12 000 ₸")
                .contains("reply with exactly NO_ANSWER")
                .contains("Answer in English");
        assertThat(secondary.requests()).isEmpty();
    }

    @Test
    void aLongQuestionGoesToTheMainModelAndAnActivePromptsModelAndTextReplaceTheDefaults() {
        ask(LONG_QUESTION);
        assertThat(primary.requests().getLast().model()).isEqualTo("main-model");

        service.createPrompt(tenant, "You are Aida's receptionist. Never use emoji.", "gpt-prompt-model", 0.1);
        ask(LONG_QUESTION);

        var r = primary.requests().getLast();
        assertThat(r.model()).isEqualTo("gpt-prompt-model");
        assertThat(r.system()).startsWith("You are Aida's receptionist. Never use emoji.");
    }

    @Test
    void theCustomersMemoryIsInThePromptWithinItsBudget() {
        String phone = "77011230099";
        var s = service.settings(tenant).orElseThrow();
        service.handle(s, inbound(phone, "How much is a pedicure?"), false);
        service.handle(s, inbound(phone, "And a manicure?"), false);

        var r = primary.requests().getLast();
        assertThat(r.user()).isEqualTo("And a manicure?");
        assertThat(r.system())
                .contains("CUSTOMER (context only, not knowledge):")
                .contains("Name: Dana")
                .contains("Last messages:")
                .contains("How much is a pedicure?");
        assertThat(r.system().length())
                .isLessThan(4_000
                        + (ModelPrompt.KNOWLEDGE_TOKENS + ModelPrompt.MEMORY_TOKENS) * ModelPrompt.CHARS_PER_TOKEN);
    }

    @Test
    void aFailingPrimaryFallsBackToTheSecondaryThenToTheExtractiveAnswer() {
        primary.always(new Fault.ServerError(500));

        Decision viaSecondary = ask("How much is a manicure?");

        assertThat(viaSecondary.reply().text()).isEqualTo("Secondary: " + MANICURE);
        assertThat(primary.requests()).hasSize(2); // the attempt and one retry
        assertThat(secondary.requests()).hasSize(1);
        assertThat(secondary.requests().getFirst().model()).isEqualTo("claude-test");

        secondary.always(new Fault.Malformed());
        Decision extractive = ask("How much is a pedicure?");

        assertThat(extractive.step()).isEqualTo(Step.ANSWER);
        assertThat(extractive.reply().kind()).isEqualTo(ReplyKind.KNOWLEDGE);
        assertThat(extractive.reply().text()).contains("15 000");
        assertThat(primary.requests()).hasSize(4);
        assertThat(secondary.requests()).hasSize(2); // a malformed answer is not retried
        assertThat(registry.get("wagw.assistant.model.fallbacks")
                        .tag("to", "extractive")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void whenTheKnowledgeDoesNotAnswerTheModelSaysSoAndTheChatIsEscalated() {
        primary.answering(r -> ModelPrompt.CANNOT);

        Decision d = ask("Do you sell gift cards for manicure?");

        assertThat(d.step()).isEqualTo(Step.FALLBACK);
        assertThat(d.reply().kind()).isEqualTo(ReplyKind.TEMPLATE);
        assertThat(d.escalation()).isNotNull();
        assertThat(d.reply().text()).doesNotContain(ModelPrompt.CANNOT);
    }

    @Test
    void aRepeatedQuestionComesFromTheCacheUntilKnowledgePromptOrSettingsChange() {
        ask("How much is a manicure?");
        Decision cached = ask("how much is a MANICURE");
        assertThat(cached.reply().text()).isEqualTo(MANICURE);
        assertThat(cached.reply().answer().tokensIn()).isZero();
        assertThat(primary.requests()).hasSize(1);

        service.uploadKnowledge(tenant, "markdown", KNOWLEDGE + "- Gel polish removal: 3 000 ₸\n");
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(2);

        service.restoreKnowledge(tenant, 1);
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(3);

        service.createPrompt(tenant, "You are Aida's receptionist.", "default", 0.2);
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(4);
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(4);

        service.createPrompt(tenant, "You are Aida's receptionist. Be brief.", "default", 0.2);
        service.activatePrompt(tenant, 2);
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(5);

        service.rollbackPrompt(tenant);
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(6);

        service.saveSettings(tenant, Map.of("languages", List.of("en", "ru"), "tone", "formal"));
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(7);

        // a change made on another node: the knowledge version in the cache key no longer matches
        store.knowledge().upload(tenant, "markdown", KNOWLEDGE, Chunker.chunk("markdown", KNOWLEDGE));
        ask("How much is a manicure?");
        assertThat(primary.requests()).hasSize(8);

        assertThat(registry.get("wagw.assistant.model.cache")
                        .tag("result", "hit")
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void tokensAndCostOfEveryCallAreInTheTenantsUsageAndMetrics() {
        ask("How much is a manicure?"); // cheap-model
        ask(LONG_QUESTION); // main-model
        ask("How much is a manicure?"); // cache
        primary.always(new Fault.ServerError(500));
        ask("How much is a pedicure?"); // cheap-model fails twice, claude-test answers

        var rows = store.modelUsage().month(tenant, YearMonth.now(ZoneOffset.UTC));
        var byModel = new java.util.HashMap<String, ModelUsage.Row>();
        rows.forEach(r -> byModel.put(r.provider() + "/" + r.model(), r));
        var cheap = byModel.get("primary/cheap-model");
        var main = byModel.get("primary/main-model");
        var claude = byModel.get("secondary/claude-test");
        assertThat(cheap.calls()).isEqualTo(2);
        assertThat(cheap.failures()).isEqualTo(1);
        assertThat(main.calls()).isEqualTo(1);
        assertThat(claude.calls()).isEqualTo(1);
        assertThat(byModel.get("cache/cache").cacheHits()).isEqualTo(1);

        var okCheap = primary.requests().getFirst();
        long in = (okCheap.system().length() + 3) / 4 + (okCheap.user().length() + 3) / 4;
        long out = (MANICURE.length() + 3) / 4;
        assertThat(cheap.tokensIn()).isEqualTo(in);
        assertThat(cheap.tokensOut()).isEqualTo(out);
        assertThat(cheap.costUsd()).isCloseTo((in * 0.5 + out * 1.0) / 1e6, org.assertj.core.data.Offset.offset(1e-6));
        var claudeReq = secondary.requests().getFirst();
        long claudeIn =
                (claudeReq.system().length() + 3) / 4 + (claudeReq.user().length() + 3) / 4;
        long claudeOut = (("Secondary: " + MANICURE).length() + 3) / 4;
        assertThat(claude.costUsd())
                .isCloseTo((claudeIn * 3.0 + claudeOut * 15.0) / 1e6, org.assertj.core.data.Offset.offset(1e-6));

        assertThat(registry.get("wagw.assistant.model.tokens")
                        .tags("provider", "primary", "model", "cheap-model", "direction", "in")
                        .counter()
                        .count())
                .isEqualTo((double) in);
        assertThat(registry.get("wagw.assistant.model.calls")
                        .tags("provider", "primary", "model", "cheap-model", "outcome", "failed")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aTenantsOwnProviderKeyIsStoredSealedUsedAndNeverReturned() throws Exception {
        try (FakeLlm own = FakeLlm.start()) {
            own.answering(r -> "Own: " + MANICURE);
            var saved = service.saveSettings(
                    tenant,
                    Map.of(
                            "languages",
                            List.of("en"),
                            "model",
                            Map.of(
                                    "provider",
                                    "openai",
                                    "baseUrl",
                                    own.openAiUrl(),
                                    "apiKey",
                                    "sk-tenant-secret-1",
                                    "mainModel",
                                    "tenant-model")));
            assertThat(saved.toString()).doesNotContain("sk-tenant-secret-1").doesNotContain("apiKeySealed");
            assertThat(saved.get("model"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("apiKeySet", true)
                    .doesNotContainKey("apiKey");
            assertThat(service.describeSettings(tenant).toString())
                    .doesNotContain("sk-tenant-secret-1")
                    .contains("apiKeySet=true");

            String raw = rawSettings();
            assertThat(raw).doesNotContain("sk-tenant-secret-1").contains("\"apiKeySealed\": \"v1.");

            assertThat(ask("How much is a manicure?").reply().text()).isEqualTo("Own: " + MANICURE);
            assertThat(own.requests().getLast().apiKey()).isEqualTo("sk-tenant-secret-1");
            assertThat(own.requests().getLast().model()).isEqualTo("tenant-model");
            assertThat(primary.requests()).isEmpty();

            // saved again without the key: the key stays; with another base URL it does not go along
            service.saveSettings(
                    tenant,
                    Map.of(
                            "languages",
                            List.of("en"),
                            "model",
                            Map.of("provider", "openai", "baseUrl", own.openAiUrl(), "mainModel", "tenant-model")));
            assertThat(rawSettings()).contains("apiKeySealed");
            ask("How much is a pedicure?");
            assertThat(own.requests().getLast().apiKey()).isEqualTo("sk-tenant-secret-1");
            var moved = service.saveSettings(
                    tenant,
                    Map.of(
                            "model",
                            Map.of("provider", "openai", "baseUrl", "http://127.0.0.1:9/v1", "mainModel", "m")));
            assertThat(((Map<?, ?>) moved.get("model")).get("apiKeySet")).isEqualTo(false);
        }

        // the sealed token opens for its tenant only
        String token = store.secrets().seal(tenant, "model.apiKey", "sk-x");
        assertThat(store.secrets().open(tenant, "model.apiKey", token)).isEqualTo("sk-x");
        assertThatThrownBy(() -> store.secrets().open("another", "model.apiKey", token))
                .isInstanceOf(StoreException.InvalidState.class);
        // and is never taken from a client
        assertThatThrownBy(() -> service.saveSettings(
                        tenant, Map.of("model", Map.of("provider", "openai", "mainModel", "m", "apiKeySealed", token))))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("model.apiKeySealed"));
    }

    @Test
    void aKeySealedForAnotherTenantDoesNotOpenAndTheTenantIsAnsweredWithoutAModel() {
        var settings = new java.util.LinkedHashMap<String, Object>(
                store.assistantSettings().get(tenant).orElseThrow().settings());
        settings.put(
                "model",
                Map.of(
                        "provider",
                        "openai",
                        "baseUrl",
                        primary.openAiUrl(),
                        "mainModel",
                        "tenant-model",
                        "apiKeySealed",
                        store.secrets().seal("someone-else", "model.apiKey", "sk-stolen")));
        store.assistantSettings().put(tenant, settings); // as if copied into the row by hand

        Decision d = ask("How much is a manicure?");

        assertThat(d.reply().kind()).isEqualTo(ReplyKind.KNOWLEDGE);
        assertThat(d.reply().text()).contains("12 000");
        assertThat(primary.requests()).isEmpty();
    }

    @Test
    void badModelSettingsAreRefusedNamingTheField() {
        assertThat(fieldOf(Map.of("provider", "bard", "mainModel", "m"))).isEqualTo("model.provider");
        assertThat(fieldOf(Map.of("mainModel", "m"))).isEqualTo("model.provider");
        assertThat(fieldOf(Map.of("provider", "openai"))).isEqualTo("model.mainModel");
        assertThat(fieldOf(Map.of("provider", "openai", "mainModel", "m", "baseUrl", "ftp://x")))
                .isEqualTo("model.baseUrl");
        assertThat(fieldOf(Map.of("provider", "openai", "mainModel", "m", "apiKey", "has space")))
                .isEqualTo("model.apiKey");
        assertThat(fieldOf(Map.of("provider", "openai", "mainModel", "m", "temperature", 1)))
                .isEqualTo("model.temperature");
    }

    private String fieldOf(Map<String, Object> model) {
        try {
            service.saveSettings(tenant, Map.of("model", model));
        } catch (StoreException.InvalidInput e) {
            return e.field();
        }
        throw new AssertionError("accepted " + model);
    }

    @Test
    void withoutAnyProviderTheAnswerIsExtractiveAndNoModelIsCalled() {
        guards.close();
        startService(NodeModels.none());

        Decision d = ask("How much is a manicure?");

        assertThat(d.reply().kind()).isEqualTo(ReplyKind.KNOWLEDGE);
        assertThat(d.reply().text()).contains("12 000");
        assertThat(primary.requests()).isEmpty();
        assertThat(secondary.requests()).isEmpty();
    }

    private AssistantService.Inbound inbound(String phone, String text) {
        String session = tenant + "-main";
        try {
            store.sessions().create(tenant, session, Map.of());
        } catch (StoreException.Duplicate already) {
            // the tenant's session exists
        }
        String wa = "false_" + phone + "@c.us_" + UUID.randomUUID();
        var now = java.time.Instant.now();
        store.messages().recordInbound(session, phone + "@c.us", wa, text, now);
        return new AssistantService.Inbound(session, tenant, phone + "@c.us", wa, text, "Dana", now);
    }

    private String rawSettings() throws Exception {
        try (var c = DriverManager.getConnection(
                        store.jdbcUrl(), "postgres", store.embeddedPassword().orElseThrow());
                var st = c.prepareStatement(
                        "SELECT s.settings::text FROM tenant_settings s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = ?")) {
            st.setString(1, tenant);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
