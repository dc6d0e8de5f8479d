package io.wagw.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.BrowserSettings;
import io.wagw.node.browser.ChromiumProcesses;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.MessageHandler;
import io.wagw.node.session.RuntimeConfig;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.session.SessionView;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.client.SimClient;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.session.SessionStatus;
import io.wagw.store.tenant.TenantStatus;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of the session runtime against the simulator with real Chromium. The driver (no mode)
 * starts a simulator process per page weight and one fresh JVM per measurement, so that every
 * configuration is measured from the same starting point:
 * <ul>
 *   <li>{@code ours}: the node's runtime (shared browsers, one context per session, leases, snapshots);</li>
 *   <li>{@code floor}: bare Playwright contexts on the same page in one browser (the least it can cost),
 *   with Playwright's own driver settings;</li>
 *   <li>{@code floor-tuned}: the same, launched as a node launches its browsers and drivers
 *   ({@link BrowserSettings#SHARED_BROWSER_ARGS}, {@link BrowserSettings#DRIVER_ENV}), so that what ours costs
 *   above it is the runtime's structure alone (more browsers and drivers, the JVM's code, the bridge);</li>
 *   <li>{@code per-browser}: one Chromium per session (the whatsapp-web.js / WAHA model), with Playwright's
 *   defaults.</li>
 * </ul>
 * Memory = PSS of the measuring JVM + every Chromium process + the Playwright driver (PostgreSQL,
 * which only {@code ours} needs, is left out and reported separately). All sessions are linked and
 * ready when measured. Also measured: inbound delay (page {@code add} event to handler) with 50
 * sessions, and restore time from snapshot to WORKING.
 */
public final class RuntimeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofMinutes(5);
    /** How long idle CPU is measured (system property bench.idleSeconds). */
    private static final Duration IDLE = Duration.ofSeconds(Long.getLong("bench.idleSeconds", 20));

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        switch (a.getOrDefault("mode", "driver")) {
            case "driver" -> driver(a);
            case "ours", "floor", "floor-tuned", "per-browser" ->
                System.out.println("RESULT " + JSON.writeValueAsString(measure(a)));
            default -> throw new IllegalArgumentException("unknown mode " + a.get("mode"));
        }
    }

    // ---- driver ---------------------------------------------------------------------------------------

    private static void driver(Map<String, String> a) throws Exception {
        Path out = Path.of(a.getOrDefault("out", "bench-results/runtime.json"));
        List<Integer> counts = Arrays.stream(
                        a.getOrDefault("sessions", "1,10,50").split(","))
                .map(Integer::parseInt)
                .toList();
        List<Integer> weights = Arrays.stream(a.getOrDefault("weights", "0,100").split(","))
                .map(Integer::parseInt)
                .toList();
        List<String> modes = List.of(
                a.getOrDefault("modes", "ours,floor,floor-tuned,per-browser").split(","));
        String simJar = a.getOrDefault("sim-jar", "wa-simulator/target/wa-simulator.jar");
        ObjectNode result = JSON.createObjectNode();
        ArrayNode runs = result.putArray("memory");
        for (int weight : weights) {
            int port = 7400 + weight % 100;
            Process sim = BenchSupport.startSimulator(
                    simJar,
                    port,
                    List.of(
                            "--page-weight-mb",
                            Integer.toString(weight),
                            "--sync-ms",
                            "200",
                            "--qr-first-ms",
                            "600000"));
            String simUrl = "http://127.0.0.1:" + port;
            try {
                for (int n : counts) {
                    for (String mode : modes) {
                        System.err.printf("measuring %s with %d sessions, page weight %d MB...%n", mode, n, weight);
                        ObjectNode r = child(List.of(
                                "--mode",
                                mode,
                                "--sessions",
                                Integer.toString(n),
                                "--sim",
                                simUrl,
                                "--weight",
                                Integer.toString(weight),
                                "--latency",
                                Boolean.toString(mode.equals("ours") && weight == 0 && n == counts.getLast()),
                                "--restore",
                                Boolean.toString(mode.equals("ours") && weight == 0 && n == counts.getFirst()),
                                "--per-browser",
                                a.getOrDefault(
                                        "per-browser", Integer.toString(NodeConfig.DEFAULT_SESSIONS_PER_BROWSER))));
                        runs.add(r);
                        System.err.printf(
                                "  -> %.1f MB per session; idle CPU %.1f %% of a core; by process %s; JVM by thread %s%n",
                                r.path("per_session_mb").asDouble(),
                                r.path("idle_cpu_pct").asDouble(),
                                r.path("idle_cpu_pct_by_process"),
                                r.path("idle_cpu_pct_by_jvm_thread"));
                    }
                }
            } finally {
                sim.destroy();
                sim.waitFor(10, TimeUnit.SECONDS);
            }
        }
        summarize(result);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.println("saved to " + out.toAbsolutePath());
    }

    private static ObjectNode child(List<String> args) throws Exception {
        // every mode's JVM with the node's options, so that the JVMs differ only in what they run
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                NodeProcess.jvmOptionsArg(),
                "-Xmx768m",
                "-cp",
                System.getProperty("java.class.path"),
                RuntimeBench.class.getName()));
        cmd.addAll(args);
        File log = File.createTempFile("runtime-bench-", ".log");
        var pb = new ProcessBuilder(cmd).redirectError(log);
        pb.environment().putAll(NodeProcess.NODE_ENV);
        Process p = pb.start();
        String result = null;
        try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException(
                    "measurement " + args + " failed (exit " + p.exitValue() + "); its log: " + log);
        }
        return (ObjectNode) JSON.readTree(result);
    }

    private static void summarize(ObjectNode result) {
        ArrayNode table = result.putArray("comparison");
        System.out.println();
        System.out.println("memory per WORKING session (MB PSS: JVM + Chromium + Playwright driver)");
        System.out.printf(
                "%-8s %-9s %10s %10s %12s %12s %12s %14s %12s%n",
                "weight",
                "sessions",
                "ours",
                "floor",
                "floor-tuned",
                "per-browser",
                "ours/floor",
                "ours/fl-tuned",
                "ours/per-br");
        Map<String, Double> byKey = new ConcurrentHashMap<>();
        Map<String, Double> idleByKey = new ConcurrentHashMap<>();
        result.path("memory").forEach(r -> {
            String key = r.path("mode").asText() + "/" + r.path("weight_mb").asInt() + "/"
                    + r.path("sessions").asInt();
            byKey.put(key, r.path("per_session_mb").asDouble());
            idleByKey.put(key, r.path("idle_cpu_pct").asDouble(Double.NaN));
        });
        result.path("memory").forEach(r -> {
            if (!r.path("mode").asText().equals("ours")) {
                return;
            }
            String k =
                    "/" + r.path("weight_mb").asInt() + "/" + r.path("sessions").asInt();
            double ours = byKey.getOrDefault("ours" + k, Double.NaN);
            double floor = byKey.getOrDefault("floor" + k, Double.NaN);
            double tuned = byKey.getOrDefault("floor-tuned" + k, Double.NaN);
            double per = byKey.getOrDefault("per-browser" + k, Double.NaN);
            ObjectNode row = table.addObject();
            row.put("weight_mb", r.path("weight_mb").asInt())
                    .put("sessions", r.path("sessions").asInt())
                    .put("ours_mb", ours)
                    .put("floor_mb", floor)
                    .put("floor_tuned_mb", tuned)
                    .put("per_browser_mb", per)
                    .put("ours_over_floor", round(ours / floor))
                    .put("ours_over_floor_tuned", round(ours / tuned))
                    .put("ours_over_per_browser", round(ours / per))
                    .put("ours_idle_cpu_pct", idleByKey.getOrDefault("ours" + k, Double.NaN))
                    .put("floor_idle_cpu_pct", idleByKey.getOrDefault("floor" + k, Double.NaN))
                    .put("floor_tuned_idle_cpu_pct", idleByKey.getOrDefault("floor-tuned" + k, Double.NaN))
                    .put("per_browser_idle_cpu_pct", idleByKey.getOrDefault("per-browser" + k, Double.NaN));
            System.out.printf(
                    "%-8d %-9d %10.1f %10.1f %12.1f %12.1f %12.2f %14.2f %12.2f%n",
                    r.path("weight_mb").asInt(),
                    r.path("sessions").asInt(),
                    ours,
                    floor,
                    tuned,
                    per,
                    ours / floor,
                    ours / tuned,
                    ours / per);
            if (r.has("inbound_lag_ms_p50")) {
                result.put("inbound_lag_sessions", r.path("sessions").asInt());
                result.put(
                        "inbound_lag_messages", r.path("inbound_lag_messages").asInt());
                result.put("inbound_lag_ms_p50", r.path("inbound_lag_ms_p50").asLong());
                result.put("inbound_lag_ms_p99", r.path("inbound_lag_ms_p99").asLong());
                result.set("inbound_lag_ms_max_by_round", r.path("inbound_lag_ms_max_by_round"));
                result.put(
                        "customer_send_to_handler_ms_p50",
                        r.path("customer_send_to_handler_ms_p50").asLong());
                result.put(
                        "customer_send_to_handler_ms_p99",
                        r.path("customer_send_to_handler_ms_p99").asLong());
            }
            if (r.has("restore_ms_p50")) {
                result.put("restore_ms_p50", r.path("restore_ms_p50").asLong());
                result.put("restore_ms_max", r.path("restore_ms_max").asLong());
                result.put("restore_rounds", r.path("restore_rounds").asInt());
                result.put(
                        "restore_machine_cpu_ms_avg",
                        r.path("restore_machine_cpu_ms_avg").asLong());
            }
        });
        System.out.println();
        System.out.println(
                "CPU while all sessions are WORKING and idle (% of one core: JVM + Chromium + Playwright driver)");
        System.out.printf(
                "%-8s %-9s %10s %10s %12s %12s%n", "weight", "sessions", "ours", "floor", "floor-tuned", "per-browser");
        table.forEach(row -> System.out.printf(
                "%-8d %-9d %10.1f %10.1f %12.1f %12.1f%n",
                row.path("weight_mb").asInt(),
                row.path("sessions").asInt(),
                row.path("ours_idle_cpu_pct").asDouble(),
                row.path("floor_idle_cpu_pct").asDouble(),
                row.path("floor_tuned_idle_cpu_pct").asDouble(),
                row.path("per_browser_idle_cpu_pct").asDouble()));
        System.out.println();
        if (result.has("inbound_lag_ms_p99")) {
            System.out.printf(
                    "inbound delay, page add -> handler, %d sessions, %d messages: p50 %d ms, p99 %d ms%n",
                    result.path("inbound_lag_sessions").asInt(),
                    result.path("inbound_lag_messages").asInt(),
                    result.path("inbound_lag_ms_p50").asLong(),
                    result.path("inbound_lag_ms_p99").asLong());
            System.out.println("  the worst of each round, ms: " + result.path("inbound_lag_ms_max_by_round"));
            System.out.printf(
                    "customer send (simulator API) -> handler: p50 %d ms, p99 %d ms%n",
                    result.path("customer_send_to_handler_ms_p50").asLong(),
                    result.path("customer_send_to_handler_ms_p99").asLong());
        }
        if (result.has("restore_ms_p50")) {
            System.out.printf(
                    "restore from snapshot to WORKING: p50 %d ms, max %d ms over %d rounds; machine CPU %d ms per restore%n",
                    result.path("restore_ms_p50").asLong(),
                    result.path("restore_ms_max").asLong(),
                    result.path("restore_rounds").asInt(),
                    result.path("restore_machine_cpu_ms_avg").asLong());
        }
    }

    // ---- one measurement (child JVM) --------------------------------------------------------------------

    private static ObjectNode measure(Map<String, String> a) throws Exception {
        String mode = a.get("mode");
        int n = Integer.parseInt(a.get("sessions"));
        String simUrl = a.get("sim");
        SimClient sim = new SimClient(simUrl);
        String prefix = "77" + String.format("%05d", ProcessHandle.current().pid() % 100_000);
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String phone = prefix + String.format("%04d", i);
            sim.createAccount(phone, "Bench " + i);
            phones.add(phone);
        }
        Path chromium = TestEnv.chromium();
        ObjectNode r = JSON.createObjectNode();
        r.put("mode", mode).put("sessions", n).put("weight_mb", Integer.parseInt(a.get("weight")));
        switch (mode) {
            case "floor", "floor-tuned", "per-browser" -> bare(mode, phones, sim, simUrl, chromium, r);
            default ->
                ours(
                        phones,
                        sim,
                        simUrl,
                        chromium,
                        r,
                        Boolean.parseBoolean(a.get("latency")),
                        Boolean.parseBoolean(a.get("restore")),
                        Integer.parseInt(a.get("per-browser")));
        }
        return r;
    }

    private static void bare(
            String mode, List<String> phones, SimClient sim, String simUrl, Path chromium, ObjectNode r)
            throws Exception {
        boolean perBrowser = mode.equals("per-browser");
        boolean tuned = mode.equals("floor-tuned");
        List<String> args = new ArrayList<>(BrowserSettings.BASE_ARGS);
        if (tuned) {
            args.addAll(BrowserSettings.SHARED_BROWSER_ARGS);
        }
        Map<String, String> driverEnv =
                tuned ? BrowserSettings.DRIVER_ENV : Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(driverEnv))) {
            var launch = new BrowserType.LaunchOptions()
                    .setExecutablePath(chromium)
                    .setHeadless(true)
                    .setArgs(args);
            List<Browser> browsers = new ArrayList<>();
            List<Page> pages = new ArrayList<>();
            for (String phone : phones) {
                if (browsers.isEmpty() || perBrowser) {
                    browsers.add(pw.chromium().launch(launch));
                }
                Browser b = browsers.getLast();
                var context = b.newContext(
                        new Browser.NewContextOptions().setUserAgent(WhatsAppBridge.userAgent(b.version())));
                Page page = context.newPage();
                page.navigate(simUrl + "/");
                var holder = page.locator("div[data-ref]");
                holder.waitFor();
                sim.linkByQr(phone, holder.getAttribute("data-ref"));
                page.locator("#pane-side")
                        .waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setTimeout(READY.toMillis()));
                pages.add(page);
            }
            pages.getFirst().waitForTimeout(5000); // settle
            memory(r, phones.size(), browsers.size());
            idleCpu(r, () -> pages.getFirst().waitForTimeout(IDLE.toMillis()));
        }
    }

    private static void ours(
            List<String> phones,
            SimClient sim,
            String simUrl,
            Path chromium,
            ObjectNode r,
            boolean latency,
            boolean restore,
            int perBrowser)
            throws Exception {
        Path dir = Files.createTempDirectory("wagw-runtime-bench");
        try (SessionStore store = SessionStore.open(StoreConfig.embedded(dir).withPoolSize(30))) {
            var handled = new ConcurrentHashMap<String, Long>();
            MessageHandler handler = (msg, config, replier) -> handled.put(msg.body(), System.nanoTime());
            var defaults = new RuntimeConfig(
                    "bench-node",
                    URI.create(simUrl + "/"),
                    1000,
                    perBrowser,
                    Duration.ofSeconds(NodeConfig.DEFAULT_LEASE_TTL_SECONDS),
                    BrowserSettings.headless(chromium),
                    5,
                    Duration.ofSeconds(2),
                    Duration.ofMinutes(2),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(1),
                    false,
                    RuntimeConfig.OutboundPolicy.DEFAULT);
            SessionRuntime runtime = new SessionRuntime(defaults, store, handler, dir.resolve("spool"));
            try {
                store.tenants().create("bench", "Bench", "business");
                store.tenants().setStatus("bench", TenantStatus.ACTIVE);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < phones.size(); i++) {
                    String name = "bench-" + i;
                    store.sessions().create("bench", name, Map.of());
                    names.add(name);
                }
                for (int i = 0; i < names.size(); i++) {
                    link(runtime, sim, names.get(i), phones.get(i));
                }
                Thread.sleep(5000); // settle, snapshots written
                memory(r, names.size(), runtime.pool().hosts().size());
                // a node in a cluster publishes its health every second, with the Chromium PSS in it (read since
                // the node started: the first reading is made before, as it would have been)
                runtime.pool().chromiumPssBytes();
                idleCpu(r, () -> {
                    long end = System.nanoTime() + IDLE.toNanos();
                    while (System.nanoTime() < end) {
                        runtime.pool().chromiumPssBytes();
                        sleep(Duration.ofSeconds(1));
                    }
                });
                r.put(
                        "postgres_pss_mb",
                        mb(ProcessHandle.current()
                                .descendants()
                                .filter(p ->
                                        ChromiumProcesses.commandLine(p.pid()).contains("postgres"))
                                .mapToLong(p -> ChromiumProcesses.pssBytes(p.pid()))
                                .sum()));
                if (latency) {
                    inboundLatency(runtime, sim, phones, handled, r);
                }
                if (restore) {
                    restoreTime(runtime, names.getFirst(), r);
                }
            } finally {
                runtime.close();
            }
        }
    }

    private static void link(SessionRuntime runtime, SimClient sim, String name, String phone)
            throws InterruptedException {
        runtime.start(name);
        long deadline = System.nanoTime() + READY.toNanos();
        boolean linked = false;
        while (System.nanoTime() < deadline) {
            SessionView v = runtime.view(name).orElseThrow();
            if (v.status() == SessionStatus.WORKING) {
                return;
            }
            if (!linked && v.status() == SessionStatus.SCAN_QR_CODE && v.qr() != null) {
                sim.linkByQr(phone, v.qr());
                linked = true;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(name + " did not reach WORKING");
    }

    private static void inboundLatency(
            SessionRuntime runtime, SimClient sim, List<String> phones, Map<String, Long> handled, ObjectNode r)
            throws InterruptedException {
        int rounds = 10;
        List<Long> sendToHandler = new ArrayList<>();
        // the simulator's HTTP/2 server takes at most 100 concurrent streams per connection
        var streams = new java.util.concurrent.Semaphore(90);
        var cpu0 = BenchSupport.cpuTicksByKind();
        for (int round = 0; round < rounds; round++) {
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            var done = new CountDownLatch(phones.size());
            for (int i = 0; i < phones.size(); i++) {
                String text = "lag " + round + " " + i;
                String phone = phones.get(i);
                String customer = "79" + phone.substring(2);
                Thread.ofVirtual().start(() -> {
                    streams.acquireUninterruptibly();
                    try {
                        sentAt.put(text, System.nanoTime());
                        sim.customerSends(customer, phone, text);
                    } finally {
                        streams.release();
                        done.countDown();
                    }
                });
            }
            done.await(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sentAt.keySet().stream().anyMatch(t -> !handled.containsKey(t)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            sentAt.forEach((t, at) -> {
                Long h = handled.get(t);
                if (h != null) {
                    sendToHandler.add((h - at) / 1_000_000);
                }
            });
            Thread.sleep(500);
        }
        // the machine's CPU per message (USER_HZ = 100), by process kind, the 500 ms pauses between rounds included
        var perKind = r.putObject("inbound_cpu_ms_per_message_by_process");
        int messages = rounds * phones.size();
        BenchSupport.cpuTicksSince(cpu0).forEach((k, v) -> perKind.put(k, Math.round(v * 10.0 / messages * 10) / 10.0));
        long[] lags = runtime.metrics().recentInboundLagsMillis();
        // the worst lag of each round (the lags are kept in the order they were measured): is the tail one
        // round's (the first, with the message path not compiled yet) or every round's?
        var worst = r.putArray("inbound_lag_ms_max_by_round");
        for (int i = 0; i + phones.size() <= lags.length; i += phones.size()) {
            worst.add(Arrays.stream(lags, i, i + phones.size()).max().orElse(-1));
        }
        Arrays.sort(lags);
        long[] e2e = sendToHandler.stream().mapToLong(Long::longValue).sorted().toArray();
        r.put("inbound_lag_messages", lags.length);
        r.put("inbound_lag_ms_p50", BenchSupport.pct(lags, 50)).put("inbound_lag_ms_p99", BenchSupport.pct(lags, 99));
        r.put("customer_send_to_handler_ms_p50", BenchSupport.pct(e2e, 50))
                .put("customer_send_to_handler_ms_p99", BenchSupport.pct(e2e, 99));
    }

    private static void restoreTime(SessionRuntime runtime, String name, ObjectNode r) throws InterruptedException {
        int rounds = 10;
        long[] ms = new long[rounds];
        long busyTicks = 0;
        Map<String, Long> byKind = new TreeMap<>();
        for (int i = 0; i < rounds; i++) {
            runtime.stop(name);
            long t0 = System.nanoTime();
            long[] cpu0 = BenchSupport.cpuTicks();
            var byKind0 = BenchSupport.cpuTicksByKind();
            runtime.start(name);
            while (runtime.view(name).map(SessionView::status).orElse(null) != SessionStatus.WORKING) {
                var view = runtime.view(name).orElse(null);
                if (view != null && view.status() == SessionStatus.SCAN_QR_CODE) {
                    throw new IllegalStateException("restore " + (i + 1) + " fell back to a QR: " + view.reason());
                }
                Thread.sleep(5);
            }
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            busyTicks += BenchSupport.cpuTicks()[0] - cpu0[0];
            BenchSupport.cpuTicksSince(byKind0).forEach((k, v) -> byKind.merge(k, v, Long::sum));
        }
        Arrays.sort(ms);
        r.put("restore_rounds", rounds)
                .put("restore_ms_p50", BenchSupport.pct(ms, 50))
                .put("restore_ms_max", ms[rounds - 1]);
        // the machine's CPU time (all processes, USER_HZ = 100) per restore: what a wave of restores competes for
        r.put("restore_machine_cpu_ms_avg", busyTicks * 10 / rounds);
        var perKind = r.putObject("restore_cpu_ms_avg_by_process");
        byKind.forEach((k, v) -> perKind.put(k, v * 10 / rounds));
    }

    /**
     * CPU use while every session is WORKING and no message comes or goes: what merely keeping them costs. The
     * total counts what the memory counts: this JVM, Chromium and the Playwright driver.
     */
    private static void idleCpu(ObjectNode r, Runnable idle) {
        var threads0 = BenchSupport.threadTicksByName();
        long t0 = System.nanoTime();
        var pct = BenchSupport.cpuPercentByKindDuring(idle);
        double seconds = (System.nanoTime() - t0) / 1e9;
        r.put(
                "idle_cpu_pct",
                round(pct.entrySet().stream()
                        .filter(e -> e.getKey().equals("this-jvm")
                                || e.getKey().startsWith("chromium")
                                || e.getKey().equals("playwright-driver")
                                || e.getKey().equals("watchdog"))
                        .mapToDouble(Map.Entry::getValue)
                        .sum()));
        var byKind = r.putObject("idle_cpu_pct_by_process");
        pct.forEach(byKind::put);
        // the JVM's share by thread (task): browser threads pumping their driver, lease renewals, timers, GC ...
        var byThread = r.putObject("idle_cpu_pct_by_jvm_thread");
        BenchSupport.threadTicksByName().forEach((name, ticks) -> {
            double p = Math.round((ticks - threads0.getOrDefault(name, 0L)) / seconds * 10) / 10.0;
            if (p > 0) {
                byThread.put(name, p);
            }
        });
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void memory(ObjectNode r, int sessions, int browsers) {
        System.gc();
        long jvm = ChromiumProcesses.pssBytes(ProcessHandle.current().pid());
        long chromium = 0;
        long driver = 0;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            String cmd = ChromiumProcesses.commandLine(p.pid());
            if (cmd.contains("postgres")) {
                continue;
            }
            long pss = ChromiumProcesses.pssBytes(p.pid());
            if (cmd.contains("chrom")) {
                chromium += pss;
            } else {
                driver += pss;
            }
        }
        long total = jvm + chromium + driver;
        r.put("browsers", browsers);
        r.put("jvm_pss_mb", mb(jvm)).put("chromium_pss_mb", mb(chromium)).put("driver_pss_mb", mb(driver));
        r.put("total_mb", mb(total)).put("per_session_mb", mb(total / sessions));
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            m.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return m;
    }
}
