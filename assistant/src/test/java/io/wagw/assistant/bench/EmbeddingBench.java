package io.wagw.assistant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wagw.assistant.knowledge.Chunker;
import io.wagw.assistant.knowledge.Embedder;
import io.wagw.assistant.knowledge.OnnxEmbedder;
import io.wagw.store.assistant.Knowledge.Chunk;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the in-process embedding model costs on this machine: its load time (once per JVM), the heap and the
 * process memory (RSS) it adds, the time to embed the chunks of the evaluation knowledge (per chunk, as an
 * upload does) and the time to embed a question (as each ask does), p50 and p99 over the evaluation's
 * questions. Arguments: none, or an ONNX model and its tokenizer.json to measure instead of the bundled one.
 */
public final class EmbeddingBench {
    public static void main(String[] args) throws Exception {
        Embedder embedder =
                args.length == 2 ? OnnxEmbedder.files(Path.of(args[0]), Path.of(args[1])) : OnnxEmbedder.bundled();
        var chunks = new ArrayList<String>();
        for (String file : List.of("salon-jasmin.md", "dental-brightsmile.md")) {
            for (Chunk c : Chunker.chunk("markdown", resource("/eval/" + file))) {
                chunks.add(c.headingPath() + "\n" + c.text());
            }
        }
        var questions = new ArrayList<String>();
        for (JsonNode q :
                new ObjectMapper().readTree(resource("/eval/answers-eval.json")).get("questions")) {
            questions.add(q.get("q").asText());
        }

        long heapBefore = heap();
        long rssBefore = rss();
        long start = System.nanoTime();
        String model = embedder.model();
        embedder.embed("hello"); // the first use loads the model
        double loadMs = (System.nanoTime() - start) / 1e6;
        long heapLoaded = heap();
        long rssLoaded = rss();

        embedder.embedAll(chunks); // warm-up
        int rounds = 5;
        start = System.nanoTime();
        int dimension = 0;
        for (int r = 0; r < rounds; r++) {
            dimension = embedder.embedAll(chunks).get(0).length;
        }
        double perChunkMs = (System.nanoTime() - start) / 1e6 / rounds / chunks.size();
        start = System.nanoTime();
        for (String c : chunks) {
            embedder.embed(c);
        }
        double perChunkOneThreadMs = (System.nanoTime() - start) / 1e6 / chunks.size();

        for (String q : questions) {
            embedder.embed(q); // warm-up
        }
        var times = new ArrayList<Long>();
        for (int r = 0; r < 10; r++) {
            for (String q : questions) {
                long t = System.nanoTime();
                embedder.embed(q);
                times.add(System.nanoTime() - t);
            }
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        long heapAfter = heap();
        long rssAfter = rss();

        System.out.printf(
                "Embedding model %s (%d dimensions), %d CPUs%n",
                model, dimension, Runtime.getRuntime().availableProcessors());
        System.out.printf("  load (first use, with one short embedding)  %.0f ms%n", loadMs);
        System.out.printf("  heap after load          +%d MB (live, after GC)%n", (heapLoaded - heapBefore) >> 20);
        System.out.printf(
                "  RSS after load           +%d MB; after embedding +%d MB%n",
                (rssLoaded - rssBefore) >> 20, (rssAfter - rssBefore) >> 20);
        System.out.printf("  heap after embedding     +%d MB (live, after GC)%n", (heapAfter - heapBefore) >> 20);
        System.out.printf(
                "  per chunk (upload, %d chunks in parallel)  %.2f ms; one at a time %.2f ms%n",
                chunks.size(), perChunkMs, perChunkOneThreadMs);
        System.out.printf(
                "  per question (%d embeds)  p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                sorted.length,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = EmbeddingBench.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long heap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The resident set of this process, from /proc (0 elsewhere). */
    private static long rss() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        return Arrays.stream(Files.readString(status).split("\n"))
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
                .findFirst()
                .orElse(0L);
    }
}
