package io.wagw.assistant.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.pipeline.Pipeline;
import io.wagw.assistant.pipeline.TemplateAnswerer;
import io.wagw.assistant.pipeline.Turn;
import io.wagw.assistant.service.AssistantService;
import io.wagw.assistant.settings.TenantSettings;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.tenant.TenantStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark of the assistant pipeline on one node with the template answerer and no WhatsApp pacing, against
 * a real (embedded, or {@code GW_DB_URL}) PostgreSQL: messages per second through store + state read +
 * decision + record, the latency of a whole turn, and the latency of the rules alone (no I/O, no answerer).
 * Prints a table and writes JSON to the path given as the first argument.
 */
public final class AssistantBench {
    private static final List<String> TEXTS = List.of(
            "Здравствуйте!",
            "Какая цена на маникюр?",
            "How much is a pedicure?",
            "Вы работаете в воскресенье?",
            "Спасибо!",
            "Где вы находитесь? адрес",
            "Можно записаться на завтра на 15:00?",
            "Қанша тұрады?");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/assistant.json");
        int threads = Integer.parseInt(System.getProperty("bench.threads", "4"));
        int messages = Integer.parseInt(System.getProperty("bench.messages", "5000"));
        int customers = Integer.parseInt(System.getProperty("bench.customers", "500"));
        StoreConfig config = StoreConfig.embedded(Files.createTempDirectory("wagw-assistant-bench"))
                .withPoolSize(threads + 2);
        String dbUrl = System.getenv("GW_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            config = config.withDbUrl(dbUrl, System.getenv("GW_DB_USER"), System.getenv("GW_DB_PASSWORD"));
        }
        var result = new LinkedHashMap<String, Object>();
        try (SessionStore store = SessionStore.open(config)) {
            String tenant = "bench-" + System.nanoTime();
            String session = tenant + "-main";
            store.tenants().create(tenant, "Salon Bench", "free");
            store.tenants().setStatus(tenant, TenantStatus.ACTIVE);
            store.sessions().create(tenant, session, Map.of());
            var service =
                    new AssistantService(store, new TemplateAnswerer(), Clock.systemUTC(), new SimpleMeterRegistry());
            service.saveSettings(
                    tenant,
                    Map.of(
                            "timezone", "Asia/Almaty",
                            "rateLimit", Map.of("messages", 0),
                            "escalation",
                                    Map.of("contacts", List.of(Map.of("name", "Manager", "phone", "77019990000"))),
                            "quickReplies",
                                    List.of(
                                            Map.of("pattern", "цена|price", "reply", "Маникюр — 12 000 ₸"),
                                            Map.of("pattern", "адрес", "reply", "Абая 10"))));
            TenantSettings settings = service.settings(tenant).orElseThrow();

            result.put("database", store.embedded() ? "embedded PostgreSQL" : "external PostgreSQL");
            result.put("threads", threads);
            result.put("messages", messages);
            result.put("customers", customers);
            run(
                    store,
                    service,
                    settings,
                    session,
                    tenant,
                    Math.min(500, messages),
                    threads,
                    customers,
                    "warm"); // warm-up
            var r = run(store, service, settings, session, tenant, messages, threads, customers, "run");
            result.put("messages_per_sec", Math.round(r[0]));
            result.put("turn_p50_ms", round(r[1]));
            result.put("turn_p99_ms", round(r[2]));
            result.put("handle_p50_ms", round(r[3]));
            result.put("handle_p99_ms", round(r[4]));

            var pure = pureRules(settings, tenant, 200_000);
            result.put("rules_only_p50_ms", round(pure[0]));
            result.put("rules_only_p99_ms", round(pure[1]));
        }
        System.out.println();
        System.out.println(
                "Assistant pipeline, template answerer, no WhatsApp pacing (" + result.get("database") + ")");
        System.out.printf(
                "  %-44s %s%n", "threads / messages / customers", threads + " / " + messages + " / " + customers);
        System.out.printf(
                "  %-44s %s%n", "messages per second (store + decide + record)", result.get("messages_per_sec"));
        System.out.printf(
                "  %-44s p50 %s ms, p99 %s ms%n",
                "per message: store inbound + turn", result.get("turn_p50_ms"), result.get("turn_p99_ms"));
        System.out.printf(
                "  %-44s p50 %s ms, p99 %s ms%n",
                "per message: turn (state, rules, record)", result.get("handle_p50_ms"), result.get("handle_p99_ms"));
        System.out.printf(
                "  %-44s p50 %s ms, p99 %s ms%n",
                "rules alone (no I/O, no answerer)", result.get("rules_only_p50_ms"), result.get("rules_only_p99_ms"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println("  saved " + out);
    }

    /** @return messages/s, store+turn p50, p99, turn p50, p99 (ms) */
    private static double[] run(
            SessionStore store,
            AssistantService service,
            TenantSettings settings,
            String session,
            String tenant,
            int messages,
            int threads,
            int customers,
            String tag)
            throws Exception {
        long[] whole = new long[messages];
        long[] turn = new long[messages];
        var next = new AtomicLong();
        long started = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int lane = t;
                futures.add(pool.submit(() -> {
                    long i;
                    while ((i = next.getAndIncrement()) < messages) {
                        // each lane owns its customers, as the node orders messages per chat
                        int c = (int) ((i * threads + lane) % customers);
                        c = c - c % threads + lane;
                        String phone = String.valueOf(77020000000L + c);
                        String chat = phone + "@c.us";
                        String wa = "false_" + chat + "_" + tag + i;
                        String text = TEXTS.get((int) (i % TEXTS.size()));
                        long t0 = System.nanoTime();
                        store.messages().recordInbound(session, chat, wa, text, Instant.now());
                        long t1 = System.nanoTime();
                        service.handle(
                                settings,
                                new AssistantService.Inbound(
                                        session, tenant, chat, wa, text, "Customer", Instant.now()),
                                false);
                        long t2 = System.nanoTime();
                        whole[(int) i] = t2 - t0;
                        turn[(int) i] = t2 - t1;
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(whole);
        Arrays.sort(turn);
        return new double[] {
            messages / seconds, ms(pct(whole, 50)), ms(pct(whole, 99)), ms(pct(turn, 50)), ms(pct(turn, 99))
        };
    }

    private static double[] pureRules(TenantSettings settings, String tenant, int rounds) {
        var pipeline = new Pipeline(q -> {
            throw new IllegalStateException("the rules-only measurement never reaches the answerer");
        });
        long[] times = new long[rounds];
        var now = Instant.now();
        for (int i = 0; i < rounds; i++) {
            // quick paths and notices only: every text here is decided before the answerer
            String text = i % 3 == 0 ? "Здравствуйте!" : i % 3 == 1 ? "цена?" : "спасибо";
            var turn = new Turn(
                    tenant,
                    true,
                    settings,
                    "77020000001@c.us",
                    "77020000001",
                    false,
                    text,
                    List.of(),
                    now,
                    Turn.CustomerState.fresh(),
                    Turn.ChatState.fresh(),
                    Turn.MonthState.fresh(),
                    false);
            long t0 = System.nanoTime();
            pipeline.decide(turn);
            times[i] = System.nanoTime() - t0;
        }
        long[] measured = Arrays.copyOfRange(times, rounds / 2, rounds); // the first half warms the JIT
        Arrays.sort(measured);
        return new double[] {ms(pct(measured, 50)), ms(pct(measured, 99))};
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
