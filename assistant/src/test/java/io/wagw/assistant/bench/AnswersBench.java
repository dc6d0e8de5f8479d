package io.wagw.assistant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.knowledge.ExtractiveAnswerer;
import io.wagw.assistant.knowledge.HybridRetriever;
import io.wagw.assistant.knowledge.KnowledgeVectors;
import io.wagw.assistant.knowledge.OnnxEmbedder;
import io.wagw.assistant.pipeline.Decision;
import io.wagw.assistant.service.AssistantService;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.assistant.Knowledge.Hit;
import io.wagw.store.tenant.TenantStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Answer-quality benchmark of the default (extractive) answerer through the whole pipeline, against a real
 * (embedded, or {@code GW_DB_URL}) PostgreSQL: two tenants (a Russian-language salon, an English-language
 * dental clinic) get their knowledge from {@code eval/} through {@link AssistantService#uploadKnowledge}, and
 * every question of {@code eval/answers-eval.json} is asked through {@link AssistantService#ask} (nothing is
 * stored). Scores: right fact % (answerable questions answered with every expected fact), correct
 * escalation % (unanswerable questions that escalate), answerable questions wrongly escalated, cross-tenant
 * leaks (answers holding the other tenant's facts), and the latency of {@code ask} after a warm-up. Prints a
 * table and the misses, and writes JSON to the path given as the first argument.
 *
 * <p>The second argument names the evaluation set: {@code main} (the default, {@code eval/answers-eval.json},
 * the set the answerer was tuned on) or {@code holdout} ({@code eval/holdout/holdout-eval.json}, a Russian-language
 * car service and an English-language pet groomer, written without looking at the answerer and never used to tune
 * it). A set's knowledge files are read from the folder of its JSON.
 */
public final class AnswersBench {
    /** The evaluation sets by name: the JSON's resource path; knowledge files are read from its folder. */
    static final Map<String, String> SETS =
            Map.of("main", "/eval/answers-eval.json", "holdout", "/eval/holdout/holdout-eval.json");

    private record Tenant(String key, String id, List<String> signature) {}

    private record Question(
            String tenant, String lang, String text, List<String> expect, boolean escalate, List<String> forbid) {}

    private static final java.util.Set<String> meaningOnly = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Set<String> meaningOnlyFirst = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static boolean byMeaningOnly(Hit h) {
        return h.dense() > 0 && h.textRank() == 0 && h.similarity() == 0;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/answers.json");
        String set = args.length > 1 ? args[1] : "main";
        String evalPath = SETS.get(set);
        if (evalPath == null) {
            System.err.println("error: unknown evaluation set '" + set + "'; known: " + new TreeSet<>(SETS.keySet()));
            System.exit(2);
        }
        String folder = evalPath.substring(0, evalPath.lastIndexOf('/') + 1);
        int warmup = Integer.parseInt(System.getProperty("bench.warmup", "5"));
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "20"));
        // -Dbench.dense=false: the lexical retrievals only, as before the dense one existed
        boolean dense = Boolean.parseBoolean(System.getProperty("bench.dense", "true"));
        var json = new ObjectMapper();
        JsonNode eval;
        try (InputStream in = resource(evalPath)) {
            eval = json.readTree(in);
        }
        StoreConfig config = StoreConfig.embedded(Files.createTempDirectory("wagw-answers-bench"))
                .withPoolSize(4);
        String dbUrl = System.getenv("GW_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            config = config.withDbUrl(dbUrl, System.getenv("GW_DB_USER"), System.getenv("GW_DB_PASSWORD"));
        }
        var result = new LinkedHashMap<String, Object>();
        var misses = new ArrayList<Map<String, Object>>();
        long[] times;
        long[] cpu;
        int answerable = 0;
        int right = 0;
        int answeredWrong = 0;
        int wronglyEscalated = 0;
        int unanswerable = 0;
        int escalatedRight = 0;
        int leaks = 0;
        int probes = 0;
        var byLang = new LinkedHashMap<String, int[]>(); // lang -> {right, answerable}
        try (SessionStore store = SessionStore.open(config);
                var vectors = new KnowledgeVectors(store.knowledge(), OnnxEmbedder.bundled())) {
            var service = new AssistantService(
                    store,
                    new ExtractiveAnswerer(
                            dense
                                    ? new ExtractiveAnswerer.Retriever() {
                                        final HybridRetriever hybrid = new HybridRetriever(store.knowledge(), vectors);

                                        @Override
                                        public List<Hit> search(String tenant, String question, int limit) {
                                            List<Hit> hits = hybrid.search(tenant, question, limit);
                                            // what the dense retrieval adds: chunks the words did not find
                                            if (hits.stream().anyMatch(AnswersBench::byMeaningOnly)) {
                                                meaningOnly.add(question);
                                                if (byMeaningOnly(hits.get(0))) {
                                                    meaningOnlyFirst.add(question);
                                                }
                                            }
                                            return hits;
                                        }

                                        @Override
                                        public List<Hit> searchWords(String tenant, String words, int limit) {
                                            return hybrid.searchWords(tenant, words, limit);
                                        }
                                    }
                                    : store.knowledge()::search),
                    Clock.systemUTC(),
                    new SimpleMeterRegistry(),
                    dense ? vectors : null);
            var tenants = new LinkedHashMap<String, Tenant>();
            String run = Long.toString(System.nanoTime(), 36);
            for (JsonNode t : eval.get("tenants")) {
                String key = t.get("key").asText();
                String id = "eval-" + key + "-" + run;
                store.tenants().create(id, t.get("name").asText(), "free");
                store.tenants().setStatus(id, TenantStatus.ACTIVE);
                service.saveSettings(
                        id,
                        Map.of(
                                "businessName", t.get("name").asText(),
                                "timezone", t.get("timezone").asText(),
                                "languages", strings(t.get("languages")),
                                "rateLimit", Map.of("messages", 0),
                                "escalation",
                                        Map.of(
                                                "contacts",
                                                List.of(Map.of("name", "Manager", "phone", "77019990000")))));
                String knowledge;
                try (InputStream in = resource(folder + t.get("knowledge").asText())) {
                    knowledge = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                service.uploadKnowledge(id, "markdown", knowledge);
                tenants.put(key, new Tenant(key, id, strings(t.get("signature"))));
            }
            var questions = new ArrayList<Question>();
            for (JsonNode q : eval.get("questions")) {
                questions.add(new Question(
                        q.get("tenant").asText(),
                        q.get("lang").asText(),
                        q.get("q").asText(),
                        strings(q.get("expect")),
                        q.path("escalate").asBoolean(false),
                        strings(q.get("forbid"))));
            }

            for (Question q : questions) {
                Tenant own = tenants.get(q.tenant());
                Decision d = service.ask(own.id(), q.text(), "77020000001");
                boolean escalated = d.escalation() != null;
                String got = d.reply() == null ? "" : d.reply().text();
                String shown =
                        escalated ? "escalated (" + d.escalation().reason().code() + ")" : got;
                // leaks: the probe's forbidden facts and every other tenant's signature facts
                var leaked = new ArrayList<String>();
                for (String f : q.forbid()) {
                    if (contains(got, f)) {
                        leaked.add(f);
                    }
                }
                for (Tenant other : tenants.values()) {
                    if (other != own) {
                        for (String f : other.signature()) {
                            if (contains(got, f) && !leaked.contains(f)) {
                                leaked.add(f);
                            }
                        }
                    }
                }
                if (!q.forbid().isEmpty()) {
                    probes++;
                }
                if (!leaked.isEmpty()) {
                    leaks++;
                    misses.add(miss("leak", q, "none of " + leaked, shown));
                }
                if (q.escalate()) {
                    unanswerable++;
                    if (escalated) {
                        escalatedRight++;
                    } else {
                        misses.add(miss("not escalated", q, "escalate", shown));
                    }
                } else {
                    answerable++;
                    int[] l = byLang.computeIfAbsent(q.lang(), k -> new int[2]);
                    l[1]++;
                    boolean ok = !escalated && q.expect().stream().allMatch(f -> contains(got, f));
                    if (ok) {
                        right++;
                        l[0]++;
                    } else if (escalated) {
                        wronglyEscalated++;
                        misses.add(miss("wrongly escalated", q, String.join(" + ", q.expect()), shown));
                    } else {
                        answeredWrong++;
                        misses.add(miss("wrong fact", q, String.join(" + ", q.expect()), shown));
                    }
                }
            }

            // latency of ask: warm-up rounds over every question, then measured rounds
            for (int r = 0; r < warmup; r++) {
                for (Question q : questions) {
                    service.ask(tenants.get(q.tenant()).id(), q.text(), "77020000001");
                }
            }
            times = new long[rounds * questions.size()];
            cpu = new long[times.length];
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            int i = 0;
            for (int r = 0; r < rounds; r++) {
                for (Question q : questions) {
                    String id = tenants.get(q.tenant()).id();
                    long c0 = threads.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    service.ask(id, q.text(), "77020000001");
                    times[i] = System.nanoTime() - t0;
                    // the asking thread's CPU (the embedding runs on it; PostgreSQL's CPU is not counted)
                    cpu[i++] = threads.getCurrentThreadCpuTime() - c0;
                }
            }
            Arrays.sort(times);
            Arrays.sort(cpu);
            result.put("database", store.embedded() ? "embedded PostgreSQL" : "external PostgreSQL");
        }
        result.put("set", set);
        result.put("answerer", "extractive");
        result.put(
                "retrieval",
                dense ? "full text, trigrams, dense (" + OnnxEmbedder.BUNDLED + ")" : "full text, trigrams");
        result.put("questions", answerable + unanswerable);
        result.put("questions_with_chunks_found_by_meaning_only", meaningOnly.size());
        result.put("questions_whose_first_chunk_was_found_by_meaning_only", meaningOnlyFirst.size());
        result.put("answerable", answerable);
        result.put("right_facts", right);
        result.put("right_facts_pct", pct(right, answerable));
        result.put("answered_wrong", answeredWrong);
        result.put("wrongly_escalated", wronglyEscalated);
        result.put("wrongly_escalated_pct", pct(wronglyEscalated, answerable));
        result.put("unanswerable", unanswerable);
        result.put("correct_escalations", escalatedRight);
        result.put("correct_escalations_pct", pct(escalatedRight, unanswerable));
        result.put("cross_tenant_probes", probes);
        result.put("cross_tenant_leaks", leaks);
        var langs = new LinkedHashMap<String, Object>();
        byLang.forEach((k, v) -> langs.put(k, v[0] + "/" + v[1]));
        result.put("right_facts_by_language", langs);
        result.put("latency_samples", times.length);
        result.put("answer_p50_ms", round(ms(pct(times, 50))));
        result.put("answer_p99_ms", round(ms(pct(times, 99))));
        result.put("answer_max_ms", round(ms(times[times.length - 1])));
        result.put("answer_cpu_p50_ms", round(ms(pct(cpu, 50))));
        result.put("answer_cpu_p99_ms", round(ms(pct(cpu, 99))));
        result.put("misses", misses);

        System.out.println();
        System.out.println("Answer quality, extractive answerer through the pipeline, set " + set + " ("
                + evalPath.substring(1) + "; " + result.get("database") + ")");
        System.out.println("  retrieval: " + result.get("retrieval"));
        if (dense) {
            System.out.printf(
                    "  chunks found by meaning only (in the 5 retrieved)  %d questions, ranked first for %d%n",
                    meaningOnly.size(), meaningOnlyFirst.size());
        }
        System.out.printf(
                "  %-40s %s%n",
                "questions (answerable / unanswerable)",
                answerable + unanswerable + " (" + answerable + " / " + unanswerable + ")");
        System.out.printf(
                "  %-40s %s %%  (%d/%d; target >= 90 %%)%n",
                "right fact", result.get("right_facts_pct"), right, answerable);
        System.out.printf("  %-40s %s%n", "  by language (right/answerable)", langs);
        System.out.printf(
                "  %-40s %d answered wrong, %d wrongly escalated (%s %%)%n",
                "  answerable missed", answeredWrong, wronglyEscalated, result.get("wrongly_escalated_pct"));
        System.out.printf(
                "  %-40s %s %%  (%d/%d; target >= 90 %%)%n",
                "correct escalations", result.get("correct_escalations_pct"), escalatedRight, unanswerable);
        System.out.printf(
                "  %-40s %d  (%d probes; every answer checked; target 0)%n", "cross-tenant leaks", leaks, probes);
        System.out.printf(
                "  %-40s p50 %s ms, p99 %s ms, max %s ms (%d asks; target p99 <= 50 ms)%n",
                "answer latency (ask)",
                result.get("answer_p50_ms"),
                result.get("answer_p99_ms"),
                result.get("answer_max_ms"),
                times.length);
        System.out.printf(
                "  %-40s p50 %s ms, p99 %s ms (the asking thread's CPU; PostgreSQL's not counted)%n",
                "answer CPU in the JVM", result.get("answer_cpu_p50_ms"), result.get("answer_cpu_p99_ms"));
        if (!misses.isEmpty()) {
            System.out.println();
            System.out.println("  misses:");
            for (var m : misses) {
                System.out.printf(
                        "  - [%s] %s (%s, %s)%n      expected: %s%n      got: %s%n",
                        m.get("miss"),
                        m.get("question"),
                        m.get("tenant"),
                        m.get("lang"),
                        m.get("expected"),
                        String.valueOf(m.get("got")).replace("\n", " / "));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println("  saved " + out);
    }

    private static Map<String, Object> miss(String kind, Question q, String expected, String got) {
        var m = new LinkedHashMap<String, Object>();
        m.put("miss", kind);
        m.put("tenant", q.tenant());
        m.put("lang", q.lang());
        m.put("question", q.text());
        m.put("expected", expected);
        m.put("got", got);
        return m;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = AnswersBench.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath");
        }
        return in;
    }

    private static List<String> strings(JsonNode node) {
        var out = new ArrayList<String>();
        if (node != null) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    /** Whether {@code text} holds {@code fact}, ignoring case and the kind of spaces. */
    static boolean contains(String text, String fact) {
        return normal(text).contains(normal(fact));
    }

    private static String normal(String s) {
        return s.replace('\u00a0', ' ')
                .replace('\u202f', ' ')
                .replaceAll("\\s+", " ")
                .toLowerCase(Locale.ROOT);
    }

    private static double pct(int part, int whole) {
        return whole == 0 ? 0 : Math.round(part * 1000.0 / whole) / 10.0;
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
