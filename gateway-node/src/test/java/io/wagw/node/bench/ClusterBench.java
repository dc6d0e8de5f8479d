package io.wagw.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.SimulatorOptions;
import io.wagw.sim.WaSimulator;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cluster benchmark with nodes in separate JVMs on loopback: the p50/p99 overhead of a call answered by
 * forwarding to the owner versus by the owner itself, and the failover time from kill -9 of a node to all
 * sessions WORKING again. Usage: {@code ClusterBench <out.json> <sessions>}.
 */
public final class ClusterBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/cluster.json");
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("wagw-cluster-bench");
        ObjectNode result = JSON.createObjectNode().put("sessions", sessions).put("nodes", 3);
        List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> nodes.forEach(n -> {
                    try {
                        n.close(); // also when the benchmark is interrupted: no node JVM or browser left behind
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                })));
        try (SessionStore db = SessionStore.open(StoreConfig.embedded(dir.resolve("db")));
                WaSimulator sim = WaSimulator.start(SimulatorOptions.defaults().withSyncMs(200))) {
            List<Integer> ports = List.of(free(), free(), free());
            List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
            for (int i = 0; i < 3; i++) {
                Map<String, String> env = new HashMap<>();
                env.put("GW_NODE_ID", "b" + (i + 1));
                env.put("GW_HTTP_HOST", "127.0.0.1");
                env.put("GW_HTTP_PORT", Integer.toString(free()));
                env.put("GW_DATA_DIR", dir.resolve("b" + (i + 1)).toString());
                env.put("GW_DB_URL", db.jdbcUrl());
                env.put("GW_DB_USER", "postgres");
                env.put("GW_DB_PASSWORD", db.embeddedPassword().orElseThrow());
                env.put(
                        "GW_MASTER_KEY_FILE",
                        dir.resolve("db").resolve("master.key").toString());
                env.put("GW_WA_URL", sim.baseUrl() + "/");
                env.put("GW_ADMIN_API_KEY", "cluster-bench-admin-key-0123456789");
                env.put("GW_CHROMIUM_PATH", TestEnv.chromium().toString());
                env.put("GW_CLUSTER_NAME", "bench-" + ProcessHandle.current().pid());
                env.put("GW_CLUSTER_PORT", Integer.toString(ports.get(i)));
                env.put("GW_CLUSTER_MEMBERS", String.join(",", members));
                env.put("GW_CLUSTER_MOVES_PER_MINUTE", "60");
                env.put("GW_MAX_SESSIONS", "60");
                nodes.add(NodeProcess.start("b" + (i + 1), env, dir));
            }
            Http api = nodes.getFirst().http();
            await(() -> api.get("/api/cluster/nodes").json().size() == 3, Duration.ofMinutes(2));
            Map<String, String> phone = new HashMap<>();
            for (int i = 0; i < sessions; i++) {
                String name = "bench-" + i;
                String p = "7704" + String.format("%07d", i);
                sim.client().createAccount(p, "Bench " + i);
                phone.put(name, p);
            }
            // first one session only: the forwarding overhead on a quiet cluster
            link(api, sim, Map.of("bench-0", phone.get("bench-0")));
            Thread.sleep(5_000);
            forwarding(nodes, api, "quiet_", result);

            link(api, sim, phone);
            Thread.sleep(10_000); // snapshots saved, placement settled
            // what the cluster costs while every session is idle: the busiest threads over 20 s, in % of one core
            // summed over the three nodes (health each second, Hazelcast, lease renewals, the coordinator's rounds)
            var idleProcesses = BenchSupport.cpuTicksByProcess();
            var idleThreads = BenchSupport.cpuTicksByThread();
            long[] idleMachine = BenchSupport.cpuTicks();
            Thread.sleep(20_000);
            result.put("idle_machine_cpu_pct", (BenchSupport.cpuTicks()[0] - idleMachine[0]) / 20.0);
            var idleByKind = result.putObject("idle_cpu_pct_by_process");
            BenchSupport.cpuTicksByKindSince(idleProcesses).forEach((k, v) -> idleByKind.put(k, v / 20.0));
            var idle = result.putObject("idle_cpu_pct_by_thread");
            BenchSupport.topThreadTicksSince(idleThreads, 25).forEach((k, v) -> idle.put(k, v / 20.0));
            // the same with every session WORKING (the keys without a prefix, as in earlier results)
            forwarding(nodes, api, "", result);
            Map<String, String> on = ClusterApi.runningOn(api);

            // failover: kill -9 a node that is not the API entry, time until every session is WORKING elsewhere
            NodeProcess victim = nodes.get(1);
            List<String> victims = on.entrySet().stream()
                    .filter(e -> e.getValue().equals(victim.id()))
                    .map(Map.Entry::getKey)
                    .toList();
            long conflictsBefore = sim.client().stats().conflicts();
            // read before the kill, so that walking /proc takes nothing from the failover it measures
            var cpuBefore = BenchSupport.cpuTicksByProcess();
            var threadsBefore = BenchSupport.cpuTicksByThread();
            long[] machineBefore = BenchSupport.cpuTicks();
            long t0 = System.nanoTime();
            victim.kill9();
            long[] removedAt = {0};
            // when each moved session was first seen running on a survivor (its lease taken) and WORKING there:
            // the dead node's last status stays WORKING until the survivor's start replaces it, so WORKING counts
            // once the session was seen restarting, or in a poll after the one that first saw it on a survivor
            // (a restore can be quicker than one poll)
            Map<String, Long> startedAt = new HashMap<>();
            Set<String> restarting = new HashSet<>();
            Map<String, Long> workingAt = new HashMap<>();
            await(
                    () -> {
                        long now = System.nanoTime();
                        if (removedAt[0] == 0
                                && api.get("/api/cluster/nodes").json().size() == 2) {
                            removedAt[0] = now;
                        }
                        var running = ClusterApi.runningOn(api);
                        var working = ClusterApi.working(api);
                        for (String s : victims) {
                            if (running.containsKey(s) && !running.get(s).equals(victim.id())) {
                                startedAt.putIfAbsent(s, now);
                                if (!working.contains(s)) {
                                    restarting.add(s);
                                } else if (restarting.contains(s) || startedAt.get(s) < now) {
                                    workingAt.putIfAbsent(s, now);
                                }
                            }
                        }
                        return workingAt.size() == victims.size() && working.containsAll(phone.keySet());
                    },
                    Duration.ofMinutes(5));
            result.put("failover_sessions_moved", victims.size());
            long failoverMs = (System.nanoTime() - t0) / 1_000_000;
            long machineCpuMs = (BenchSupport.cpuTicks()[0] - machineBefore[0]) * 10;
            result.put("failover_ms", failoverMs);
            long[] started = startedAt.values().stream()
                    .mapToLong(t -> (t - t0) / 1_000_000)
                    .sorted()
                    .toArray();
            long[] worked = workingAt.values().stream()
                    .mapToLong(t -> (t - t0) / 1_000_000)
                    .sorted()
                    .toArray();
            result.put("failover_first_start_ms", started[0]);
            result.put("failover_last_start_ms", started[started.length - 1]);
            result.put("failover_first_working_ms", worked[0]);
            result.put("failover_working_ms_p50", BenchSupport.pct(worked, 50));
            // the machine's CPU over the failover (USER_HZ = 100), and by kind of process (the simulator and this
            // benchmark's polling are this-jvm, the nodes other-jvm); the killed node's processes are left out
            result.put("failover_machine_cpu_ms", machineCpuMs);
            // how busy the machine's cores were from the kill on: near 100 % the restores waited for CPU, not for
            // the lease (the time from the kill to the first start)
            result.put(
                    "failover_machine_busy_pct",
                    Math.round(100.0
                            * machineCpuMs
                            / (failoverMs * Runtime.getRuntime().availableProcessors())));
            var byKind = result.putObject("failover_cpu_ms_by_process");
            BenchSupport.cpuTicksByKindSince(cpuBefore).forEach((k, v) -> byKind.put(k, v * 10));
            // and by thread, the 20 busiest (Chromium's CrRendererMain shows as the process's own name)
            var byThread = result.putObject("failover_cpu_ms_by_thread");
            BenchSupport.topThreadTicksSince(threadsBefore, 20).forEach((k, v) -> byThread.put(k, v * 10));
            if (removedAt[0] != 0) {
                result.put("failover_member_removed_ms", (removedAt[0] - t0) / 1_000_000);
            }
            result.put("failover_conflicts", sim.client().stats().conflicts() - conflictsBefore);
            // false fencing on the busy survivors: a lease lost, or the watchdog killing their browsers
            long fenced = 0;
            for (NodeProcess n : nodes) {
                if (n != victim) {
                    fenced += Files.readAllLines(n.log().toPath()).stream()
                            .filter(l -> l.contains("lease lost") || l.contains("missed its deadline"))
                            .count();
                }
            }
            result.put("failover_survivors_fenced", fenced);
        } finally {
            for (NodeProcess n : nodes) {
                n.close();
            }
        }
        System.out.println();
        System.out.println("cluster benchmark (3 nodes in separate JVMs on loopback)");
        result.fields().forEachRemaining(e -> System.out.printf("  %-30s %s%n", e.getKey(), e.getValue()));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.println("saved to " + out.toAbsolutePath());
        System.exit(0);
    }

    private static void link(Http api, WaSimulator sim, Map<String, String> phone) throws InterruptedException {
        Set<String> linked = new HashSet<>(); // sessions linked in an earlier call run already
        for (String name : phone.keySet()) {
            if (ClusterApi.runningOn(api).containsKey(name)) {
                linked.add(name);
            } else {
                api.post("/api/sessions", "{\"name\":\"" + name + "\"}");
            }
        }
        await(() -> ClusterApi.linkRound(api, sim.client(), phone, linked), Duration.ofMinutes(5));
        await(
                () -> ClusterApi.allWorking(api, phone.keySet())
                        && phone.keySet().stream().allMatch(ClusterApi.runningOn(api)::containsKey),
                Duration.ofMinutes(5));
    }

    /**
     * Forwarding overhead: the same GET answered by the owner and through another node, as p50/p99 of each and
     * the difference of the p99s; with the machine's CPU use over the measurement, which sets the tail here.
     */
    private static void forwarding(List<NodeProcess> nodes, Http api, String prefix, ObjectNode result) {
        Map<String, String> on = ClusterApi.runningOn(api);
        String target = on.keySet().stream().sorted().findFirst().orElseThrow();
        String owner = on.get(target);
        Http direct = nodes.stream()
                .filter(n -> n.id().equals(owner))
                .findFirst()
                .orElseThrow()
                .http();
        Http other = nodes.stream()
                .filter(n -> !n.id().equals(owner))
                .findFirst()
                .orElseThrow()
                .http();
        long[] cpu0 = BenchSupport.cpuTicks();
        long[][] df = timeInterleaved(direct, other, "/api/sessions/" + target, 2000);
        long[] cpu1 = BenchSupport.cpuTicks();
        long[] d = df[0];
        long[] f = df[1];
        result.put(prefix + "sessions_working", on.size());
        result.put(prefix + "cpu_busy_pct", Math.round(100.0 * (cpu1[0] - cpu0[0]) / Math.max(1, cpu1[1] - cpu0[1])));
        result.put(prefix + "direct_us_p50", BenchSupport.pct(d, 50))
                .put(prefix + "direct_us_p99", BenchSupport.pct(d, 99));
        result.put(prefix + "forwarded_us_p50", BenchSupport.pct(f, 50))
                .put(prefix + "forwarded_us_p99", BenchSupport.pct(f, 99));
        result.put(
                prefix + "forwarding_overhead_ms_p50",
                Math.round((BenchSupport.pct(f, 50) - BenchSupport.pct(d, 50)) / 100.0) / 10.0);
        result.put(
                prefix + "forwarding_overhead_ms_p99",
                Math.round((BenchSupport.pct(f, 99) - BenchSupport.pct(d, 99)) / 100.0) / 10.0);
    }

    /** The same GET to the owner and through another node, alternating, so both see the same background load. */
    private static long[][] timeInterleaved(Http direct, Http forwarded, String path, int n) {
        long[] d = new long[n];
        long[] f = new long[n];
        for (int i = -200; i < n; i++) {
            long a = timeOne(direct, path);
            long b = timeOne(forwarded, path);
            if (i >= 0) {
                d[i] = a;
                f[i] = b;
            }
        }
        Arrays.sort(d);
        Arrays.sort(f);
        return new long[][] {d, f};
    }

    private static long timeOne(Http http, String path) {
        long t = System.nanoTime();
        if (http.get(path).status() != 200) {
            throw new IllegalStateException("GET " + path + " failed");
        }
        return (System.nanoTime() - t) / 1000;
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static int free() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
