package io.wagw.node.bench;

import io.wagw.node.browser.ChromiumProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the benchmarks share: a simulator in its own process, percentiles, CPU use from /proc. */
final class BenchSupport {
    private BenchSupport() {}

    /**
     * Starts {@code java -jar wa-simulator.jar} on {@code port} with extra options; returns once it answers. The
     * simulator plays WhatsApp's servers and phones, which in production do not share the node's cores; here
     * it does, so it runs at nice 10: it still gets all the CPU the node leaves idle, but a burst of its own
     * work (pushing 50 messages to 50 pages at once) does not delay the node under test.
     */
    static Process startSimulator(String jar, int port, List<String> options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
            cmd.addAll(List.of("/usr/bin/nice", "-n", "10"));
        }
        cmd.addAll(List.of(java, "-Xmx2g", "-jar", jar, "--host", "127.0.0.1", "--port", Integer.toString(port)));
        cmd.addAll(options);
        Process sim = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sim/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return sim;
                }
            } catch (Exception e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        sim.destroy();
        throw new IllegalStateException("simulator on port " + port + " did not come up");
    }

    /** The machine's busy and total CPU ticks so far, from the first line of /proc/stat. */
    static long[] cpuTicks() {
        try {
            String[] f =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return new long[] {total - idle, total};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * CPU ticks used so far by every process on the machine, summed per kind: Chromium renderers, the
     * Chromium browser process, other Chromium processes, the Playwright driver, this JVM, other JVMs (the
     * runtime benchmark's simulator, the cluster benchmark's nodes), PostgreSQL, anything else. A process that ends between
     * two readings takes its ticks with it, so the difference for its kind comes out low (even negative) by
     * what it had used before.
     */
    static Map<String, Long> cpuTicksByKind() {
        Map<String, Long> out = new TreeMap<>();
        cpuTicksByProcess().values().forEach(p -> out.merge(p.kind(), p.ticks(), Long::sum));
        return out;
    }

    /** CPU ticks so far (utime + stime) of one process, with its kind as {@link #cpuTicksByKind} names it. */
    record ProcessTicks(String kind, long ticks) {}

    /** Every process on the machine by pid, with its kind and CPU ticks so far. */
    static Map<Long, ProcessTicks> cpuTicksByProcess() {
        return cpuTicks(false);
    }

    /**
     * Every thread on the machine by thread id, with its process's kind and its own name (digits collapsed, as
     * in {@link #threadTicksByName}) as {@code kind: name}, and its CPU ticks so far. Chromium, the JVMs and
     * Node.js name their threads ({@code CrRendererMain} shows as the process's name, {@code Chrome_IOThread},
     * {@code VizCompositorThread}, {@code ForkJoinPool-1-worker-3}), so this tells which part of a process works.
     */
    static Map<Long, ProcessTicks> cpuTicksByThread() {
        return cpuTicks(true);
    }

    private static Map<Long, ProcessTicks> cpuTicks(boolean byThread) {
        Map<Long, ProcessTicks> out = new HashMap<>();
        long self = ProcessHandle.current().pid();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (var dir : procs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                try {
                    long ticks = statTicks(Files.readString(dir.resolve("stat")));
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String cmd = ChromiumProcesses.commandLine(pid);
                    String kind = pid == self
                            ? "this-jvm"
                            : cmd.contains("wagw-watchdog")
                                    ? "watchdog"
                                    : cmd.contains("--type=renderer")
                                            ? "chromium-renderer"
                                            : cmd.contains("chrom") && cmd.contains("--type=")
                                                    ? "chromium-other"
                                                    : cmd.contains("chrom")
                                                            ? "chromium-browser"
                                                            : cmd.contains("run-driver")
                                                                    ? "playwright-driver"
                                                                    : cmd.contains("java")
                                                                            ? "other-jvm"
                                                                            : cmd.startsWith("postgres")
                                                                                            || cmd.contains("/postgres")
                                                                                    ? "postgres"
                                                                                    : "other";
                    if (!byThread) {
                        out.put(pid, new ProcessTicks(kind, ticks));
                        continue;
                    }
                    try (var tasks = Files.list(dir.resolve("task"))) {
                        for (var task : tasks.toList()) {
                            String stat = Files.readString(task.resolve("stat"));
                            out.put(
                                    Long.parseLong(task.getFileName().toString()),
                                    new ProcessTicks(kind + ": " + statThreadName(stat), statTicks(stat)));
                        }
                    }
                } catch (IOException | RuntimeException ended) {
                    // the process ended while being read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * CPU ticks per kind used since {@code before} by the processes alive now (those that ended meanwhile are
     * left out rather than counted negative; new ones count whole).
     */
    static Map<String, Long> cpuTicksByKindSince(Map<Long, ProcessTicks> before) {
        Map<String, Long> out = new TreeMap<>();
        cpuTicksByProcess().forEach((pid, now) -> {
            var then = before.get(pid);
            out.merge(now.kind(), now.ticks() - (then == null ? 0 : then.ticks()), Long::sum);
        });
        return out;
    }

    /**
     * What every kind of process (see {@link #cpuTicksByKind}) used of the CPU while {@code idle} ran, in percent
     * of one core (USER_HZ = 100 ticks a second).
     */
    static Map<String, Double> cpuPercentByKindDuring(Runnable idle) {
        Map<String, Long> before = cpuTicksByKind();
        long t0 = System.nanoTime();
        idle.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> out = new TreeMap<>();
        cpuTicksSince(before).forEach((kind, ticks) -> out.put(kind, Math.round(ticks / seconds * 10) / 10.0));
        return out;
    }

    /**
     * The {@code top} threads (by {@link #cpuTicksByThread}'s {@code kind: name}, summed over threads of that
     * name) by CPU ticks used since {@code before}; threads that ended meanwhile are left out, new ones count
     * whole.
     */
    static Map<String, Long> topThreadTicksSince(Map<Long, ProcessTicks> before, int top) {
        Map<String, Long> sums = new HashMap<>();
        cpuTicksByThread().forEach((tid, now) -> {
            var then = before.get(tid);
            long used = now.ticks() - (then == null ? 0 : then.ticks()); // a kernel worker's name changes
            sums.merge(now.kind(), used, Long::sum);
        });
        Map<String, Long> out = new LinkedHashMap<>();
        sums.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * CPU ticks (utime + stime) of this JVM's threads, summed by thread name with digits and the separators
     * around them dropped ({@code browser-n1-b2} and {@code browser-n1-b3} count as one), from {@code /proc/self/task}.
     */
    static Map<String, Long> threadTicksByName() {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (var dir : tasks.toList()) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    out.merge(statThreadName(stat), statTicks(stat), Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return out;
    }

    /** CPU ticks used per kind since {@code before} (an earlier {@link #cpuTicksByKind} reading). */
    static Map<String, Long> cpuTicksSince(Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        cpuTicksByKind().forEach((kind, ticks) -> out.put(kind, ticks - before.getOrDefault(kind, 0L)));
        return out;
    }

    /** utime + stime of a {@code /proc/.../stat} line, in ticks. */
    private static long statTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The thread's name of a {@code /proc/.../stat} line with digits and the separators before them as one {@code #}. */
    private static String statThreadName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[-#._ ]*[0-9]+", "#");
    }

    /** The p-th percentile of sorted values (-1 when empty). */
    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
