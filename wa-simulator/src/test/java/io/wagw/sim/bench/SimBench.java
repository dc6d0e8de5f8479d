package io.wagw.sim.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.wagw.sim.client.SimClient;
import io.wagw.sim.testing.ProtocolPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures a running simulator (scripts/bench/sim starts it): its PSS with 0, 50 and 200 connected
 * pages, and how many inbound messages per second it pushes to 200 connected pages. The pages are
 * protocol clients ({@link ProtocolPage}), not Chromium, so the numbers are the simulator's own cost.
 *
 * <p>Arguments: {@code baseUrl simulatorPid outputJson [messages]}.
 */
public final class SimBench {
    private SimBench() {}

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        long pid = Long.parseLong(args[1]);
        Path out = Path.of(args[2]);
        int messages = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        SimClient api = new SimClient(baseUrl);
        int[] stages = {0, 50, 200};
        int maxPages = stages[stages.length - 1];

        for (int i = 0; i < 1000; i++) api.createAccount(phone(i), "Tenant " + i);
        List<ProtocolPage> pages = new ArrayList<>();
        List<Map<String, Object>> memory = new ArrayList<>();
        for (int stage : stages) {
            while (pages.size() < stage) {
                ProtocolPage p = ProtocolPage.open(baseUrl, true, false);
                api.linkByQr(phone(pages.size()), p.hello());
                p.completeLogin();
                pages.add(p);
            }
            Thread.sleep(500);
            long pss = pssKb(pid, true);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("connectedPages", stage);
            row.put("pssKb", pss);
            row.put("heapUsedBytes", api.stats().heapUsedBytes());
            memory.add(row);
            System.out.printf("pages=%d pss=%.1f MB%n", stage, pss / 1024.0);
        }
        long base = (long) memory.get(0).get("pssKb");
        long top = (long) memory.get(memory.size() - 1).get("pssKb");
        double perPageKb = (top - base) / (double) maxPages;
        long heapBase = (long) memory.get(0).get("heapUsedBytes");
        long heapTop = (long) memory.get(memory.size() - 1).get("heapUsedBytes");
        double heapPerPageKb = (heapTop - heapBase) / 1024.0 / maxPages;

        // Throughput: customers write to all 200 connected accounts; count what the pages receive.
        int perBatch = 5_000;
        long start = System.nanoTime();
        ExecutorService posters = Executors.newFixedThreadPool(2);
        List<Future<?>> posts = new ArrayList<>();
        for (int sentSoFar = 0; sentSoFar < messages; sentSoFar += perBatch) {
            int from = sentSoFar;
            int n = Math.min(perBatch, messages - sentSoFar);
            posts.add(posters.submit(() -> {
                List<Map<String, String>> batch = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    int idx = from + k;
                    batch.add(Map.of(
                            "from",
                            String.valueOf(79070000000L + idx % 5000),
                            "to",
                            phone(idx % maxPages),
                            "text",
                            "benchmark message " + idx));
                }
                api.call("POST", "/sim/messages/batch", Map.of("messages", batch));
            }));
        }
        for (Future<?> f : posts) f.get();
        long acceptedNs = System.nanoTime() - start;
        while (pages.stream().mapToLong(p -> p.received.get()).sum() < messages) {
            if (System.nanoTime() - start > 300_000_000_000L)
                throw new IllegalStateException("messages not delivered in 5 min");
            Thread.sleep(5);
        }
        long deliveredNs = System.nanoTime() - start;
        posters.shutdown();
        long pssAfter = pssKb(pid, true);
        double rate = messages / (deliveredNs / 1e9);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "wa-simulator");
        result.put("pages", "protocol clients (JDK WebSocket speaking the page protocol), not Chromium");
        result.put("memory", memory);
        result.put("pssPerConnectedPageKb", Math.round(perPageKb * 10) / 10.0);
        result.put("heapPerConnectedPageKb", Math.round(heapPerPageKb * 10) / 10.0);
        Map<String, Object> tp = new LinkedHashMap<>();
        tp.put("messages", messages);
        tp.put("connectedPages", maxPages);
        tp.put("acceptedSeconds", acceptedNs / 1e9);
        tp.put("deliveredSeconds", deliveredNs / 1e9);
        tp.put("inboundMessagesPerSecond", Math.round(rate));
        tp.put("pssAfterKb", pssAfter);
        result.put("throughput", tp);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                out,
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));

        System.out.println();
        System.out.println("| connected pages | simulator PSS (MB) |");
        System.out.println("|---:|---:|");
        for (Map<String, Object> row : memory) {
            System.out.printf("| %d | %.1f |%n", (int) row.get("connectedPages"), (long) row.get("pssKb") / 1024.0);
        }
        System.out.printf(
                "%nPSS per connected page: %.1f KB (live Java heap after GC: %.1f KB per page)%n",
                perPageKb, heapPerPageKb);
        System.out.printf(
                "Inbound push: %d messages to %d pages in %.2f s = %,d msg/s (delivered and confirmed)%n",
                messages, maxPages, deliveredNs / 1e9, Math.round(rate));
        System.out.println("JSON: " + out);
        pages.forEach(ProtocolPage::closeAbruptly);
        System.exit(0);
    }

    private static String phone(int i) {
        return String.valueOf(77060000000L + i);
    }

    /** PSS of a process from /proc/pid/smaps_rollup, after a full GC so that garbage is not counted. */
    private static long pssKb(long pid, boolean gcFirst) throws IOException, InterruptedException {
        if (gcFirst) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
            Thread.sleep(300);
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            if (line.startsWith("Pss:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no Pss line for pid " + pid);
    }
}
