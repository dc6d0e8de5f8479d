package io.wagw.assistant.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.knowledge.ExtractiveAnswerer;
import io.wagw.assistant.model.ModelProviders;
import io.wagw.assistant.model.ModelProviders.NodeModels;
import io.wagw.assistant.model.Prices;
import io.wagw.assistant.model.ProviderConfig;
import io.wagw.assistant.model.ProviderGuards;
import io.wagw.assistant.model.ProviderKind;
import io.wagw.assistant.pipeline.Answerer;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.service.Answerers;
import io.wagw.assistant.service.AssistantService;
import io.wagw.sim.llm.FakeLlm;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.tenant.TenantStatus;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the model path adds to an answer's latency, against a local fake provider that answers at once (so the
 * numbers are the gateway's own overhead, not a model's): {@link AssistantService#ask} through the whole
 * pipeline with the extractive answerer, with the model path on cache misses (every question new: retrieval,
 * the active prompt read, the prompt built, Resilience4j, LangChain4j, an HTTP round trip, the usage row
 * written), and on cache hits. One tenant (the salon of {@code eval/}), a real PostgreSQL. Writes JSON to the
 * path given as the first argument.
 */
public final class ModelPathBench {
    private static final List<String> QUESTIONS = List.of(
            "Сколько стоит маникюр?",
            "Работаете в воскресенье?",
            "Какой у вас адрес?",
            "Сколько стоит педикюр с покрытием?",
            "Сколько стоит женская стрижка?");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/model-path.json");
        int asks = Integer.parseInt(System.getProperty("bench.asks", "500"));
        int warmup = Integer.parseInt(System.getProperty("bench.warmup", "100"));
        var result = new LinkedHashMap<String, Object>();
        try (SessionStore store = SessionStore.open(StoreConfig.embedded(Files.createTempDirectory("wagw-model-bench"))
                        .withPoolSize(4));
                FakeLlm fake = FakeLlm.start()) {
            String knowledge;
            try (InputStream in = ModelPathBench.class.getResourceAsStream("/eval/salon-jasmin.md")) {
                knowledge = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String tenant = "bench-" + Long.toString(System.nanoTime(), 36);
            store.tenants().create(tenant, "Salon Jasmin", "free");
            store.tenants().setStatus(tenant, TenantStatus.ACTIVE);
            var registry = new SimpleMeterRegistry();
            var extractive = new AssistantService(
                    store, new ExtractiveAnswerer(store.knowledge()::search), Clock.systemUTC(), registry);
            extractive.saveSettings(tenant, Map.of("rateLimit", Map.of("messages", 0)));
            extractive.uploadKnowledge(tenant, "markdown", knowledge);

            var models = new NodeModels(
                    Optional.of(new ProviderConfig(
                            "primary",
                            ProviderKind.OPENAI,
                            fake.openAiUrl(),
                            "sk-bench",
                            "bench-model",
                            null,
                            Duration.ofSeconds(5),
                            0)),
                    Optional.empty(),
                    Prices.parse("bench-model=1/2"),
                    Duration.ofSeconds(5),
                    0,
                    32,
                    Duration.ofSeconds(30));
            try (var guards = new ProviderGuards(models.guardSettings(), registry)) {
                Answerer answerer =
                        Answerers.of(store, models, guards, ModelProviders::connect, Clock.systemUTC(), registry);
                var model = new AssistantService(store, answerer, Clock.systemUTC(), registry);

                Ask[] modes = {
                    i -> extractive.ask(tenant, question(i), null),
                    i -> modelAnswer(model.ask(tenant, question(i) + " (" + i + ")", null)),
                    i -> modelAnswer(model.ask(tenant, question(i), null))
                };
                long[][] times = measure(warmup, asks, modes);
                result.put("extractive", summary(times[0]));
                result.put("model_miss", summary(times[1]));
                result.put("model_hit", summary(times[2]));
                result.put("fake_requests", fake.requests().size());
            }
        }
        @SuppressWarnings("unchecked")
        double overhead50 = (double) ((Map<String, Object>) result.get("model_miss")).get("p50_ms")
                - (double) ((Map<String, Object>) result.get("extractive")).get("p50_ms");
        result.put("model_miss_overhead_p50_ms", Math.round(overhead50 * 1000) / 1000.0);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.printf("model path against a local fake provider (%d asks each, after %d warm-up):%n", asks, warmup);
        for (String k : List.of("extractive", "model_miss", "model_hit")) {
            @SuppressWarnings("unchecked")
            var m = (Map<String, Object>) result.get(k);
            System.out.printf(
                    "  %-12s p50 %s ms, p99 %s ms, max %s ms%n", k, m.get("p50_ms"), m.get("p99_ms"), m.get("max_ms"));
        }
        System.out.printf(
                "  model path overhead on a cache miss, p50: %s ms%n", result.get("model_miss_overhead_p50_ms"));
        System.out.println("  written to " + out);
    }

    private static String question(int i) {
        return QUESTIONS.get(i % QUESTIONS.size());
    }

    private static Object modelAnswer(io.wagw.assistant.pipeline.Decision d) {
        if (d.reply() == null || d.reply().kind() != ReplyKind.MODEL) {
            throw new IllegalStateException("not a model answer: " + d);
        }
        return d;
    }

    private interface Ask {
        Object run(int i);
    }

    /** The modes interleaved, one ask of each per round, so that the machine's load weighs on all alike. */
    private static long[][] measure(int warmup, int asks, Ask[] modes) {
        for (int i = 0; i < warmup; i++) {
            for (Ask mode : modes) {
                mode.run(1_000_000 + i);
            }
        }
        long[][] t = new long[modes.length][asks];
        for (int i = 0; i < asks; i++) {
            for (int m = 0; m < modes.length; m++) {
                long s = System.nanoTime();
                modes[m].run(i);
                t[m][i] = System.nanoTime() - s;
            }
        }
        return t;
    }

    private static Map<String, Object> summary(long[] t) {
        Arrays.sort(t);
        int asks = t.length;
        var m = new LinkedHashMap<String, Object>();
        m.put("asks", asks);
        m.put("p50_ms", ms(t[(int) Math.ceil(asks * 0.50) - 1]));
        m.put("p99_ms", ms(t[(int) Math.ceil(asks * 0.99) - 1]));
        m.put("max_ms", ms(t[asks - 1]));
        return m;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
