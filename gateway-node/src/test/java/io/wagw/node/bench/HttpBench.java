package io.wagw.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.sim.client.SimClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP {@code sendText} throughput and latency on one node with 20 WORKING sessions (real Chromium,
 * simulator in its own process, embedded PostgreSQL). Two runs: with the node's anti-ban pacing
 * (typing pause, 20 messages per minute per session) and with pacing off, which shows what the node
 * itself can push. Prints a table and writes JSON.
 */
public final class HttpBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CUSTOMERS = 200;

    private static String customer(int i) {
        return "7703" + String.format("%07d", i);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/http.json");
        String simJar = args.length > 1 ? args[1] : "wa-simulator/target/wa-simulator.jar";
        int sessions = Integer.parseInt(System.getProperty("bench.sessions", "20"));
        int clients = Integer.parseInt(System.getProperty("bench.clients", "40"));
        int seconds = Integer.parseInt(System.getProperty("bench.seconds", "30"));
        int port = 7460;
        Process simProcess =
                BenchSupport.startSimulator(simJar, port, List.of("--sync-ms", "200", "--qr-first-ms", "600000"));
        ObjectNode result = JSON.createObjectNode();
        result.put("sessions", sessions).put("clients", clients).put("seconds", seconds);
        Path data = Files.createTempDirectory("wagw-http-bench");
        try {
            SimClient sim = new SimClient("http://127.0.0.1:" + port);
            List<String> phones = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String phone = "7702" + String.format("%07d", i);
                sim.createAccount(phone, "Bench " + i);
                phones.add(phone);
            }
            for (int c = 0; c < CUSTOMERS; c++) {
                sim.upsertCustomer(customer(c), "Customer " + c, true); // recipients must be WhatsApp users
            }
            result.set("unpaced", run(data, port, sim, phones, clients, seconds, false));
            result.set("paced", run(data, port, sim, phones, clients, seconds, true));
        } finally {
            simProcess.destroy();
        }
        System.out.println();
        System.out.printf(
                "HTTP sendText, one node, %d WORKING sessions, %d concurrent clients, %d s per run%n",
                sessions, clients, seconds);
        System.out.printf(
                "%-10s %12s %10s %10s %10s %8s%n", "pacing", "messages/s", "p50 ms", "p99 ms", "sent", "errors");
        for (String k : List.of("unpaced", "paced")) {
            var r = result.path(k);
            System.out.printf(
                    "%-10s %12.1f %10d %10d %10d %8d%n",
                    k,
                    r.path("messages_per_sec").asDouble(),
                    r.path("p50_ms").asLong(),
                    r.path("p99_ms").asLong(),
                    r.path("sent").asInt(),
                    r.path("errors").asInt());
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.println("saved to " + out.toAbsolutePath());
        System.exit(0);
    }

    private static ObjectNode run(
            Path data, int simPort, SimClient sim, List<String> phones, int clients, int seconds, boolean paced)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GW_NODE_ID", "bench-node");
        env.put("GW_HTTP_HOST", "127.0.0.1");
        env.put("GW_HTTP_PORT", "7461");
        env.put("GW_DATA_DIR", data.toString());
        env.put("GW_WA_URL", "http://127.0.0.1:" + simPort + "/");
        env.put("GW_ADMIN_API_KEY", "bench-admin-key-0123456789abcdef");
        env.put("GW_SEND_PER_MINUTE", paced ? "20" : "6000");
        env.put("GW_SEND_BURST", paced ? "5" : "1000");
        env.put("GW_SEND_PAUSE_MS", paced ? "800" : "0");
        Node node = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = node.baseUrl();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < phones.size(); i++) {
                String name = "bench-" + i;
                names.add(name);
                if (call(http, base, "GET", "/api/sessions/" + name, null).statusCode() == 404) {
                    call(http, base, "POST", "/api/sessions", "{\"name\":\"" + name + "\"}");
                } else {
                    call(http, base, "POST", "/api/sessions/" + name + "/start", null);
                }
            }
            for (int i = 0; i < names.size(); i++) {
                link(http, base, sim, names.get(i), phones.get(i));
            }
            var latencies = new ConcurrentLinkedQueue<Long>();
            var errors = new AtomicInteger();
            var next = new AtomicInteger();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            var done = new CountDownLatch(clients);
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                Thread.ofVirtual().start(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            int n = next.getAndIncrement();
                            String session = names.get(n % names.size());
                            String customer = customer(n % CUSTOMERS);
                            long s0 = System.nanoTime();
                            var r = call(
                                    http,
                                    base,
                                    "POST",
                                    "/api/sendText",
                                    "{\"session\":\"%s\",\"chatId\":\"%s@c.us\",\"text\":\"order %d is ready\"}"
                                            .formatted(session, customer, n));
                            if (r.statusCode() == 201) {
                                latencies.add((System.nanoTime() - s0) / 1_000_000);
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            ObjectNode r = JSON.createObjectNode();
            r.put("pacing", paced ? "20/min per session, burst 5, 800 ms typing pause" : "off");
            r.put("sent", sorted.length).put("errors", errors.get()).put("elapsed_s", Math.round(elapsed * 10) / 10.0);
            r.put("messages_per_sec", Math.round(sorted.length / elapsed * 10) / 10.0);
            r.put("p50_ms", BenchSupport.pct(sorted, 50)).put("p99_ms", BenchSupport.pct(sorted, 99));
            return r;
        } finally {
            node.close();
        }
    }

    private static void link(HttpClient http, String base, SimClient sim, String name, String phone) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        boolean scanned = false;
        while (System.nanoTime() < deadline) {
            String status = JSON.readTree(call(http, base, "GET", "/api/sessions/" + name, null)
                            .body())
                    .path("status")
                    .asText();
            if (status.equals("WORKING")) {
                return;
            }
            if (!scanned && status.equals("SCAN_QR_CODE")) {
                var qr = call(http, base, "GET", "/api/" + name + "/auth/qr?format=raw", null);
                if (qr.statusCode() == 200) {
                    sim.linkByQr(phone, JSON.readTree(qr.body()).path("value").asText());
                    scanned = true;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not reach WORKING");
    }

    private static HttpResponse<String> call(HttpClient http, String base, String method, String path, String body) {
        try {
            var b = HttpRequest.newBuilder(URI.create(base + path))
                    .header("X-Api-Key", "bench-admin-key-0123456789abcdef")
                    .timeout(Duration.ofMinutes(3));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
