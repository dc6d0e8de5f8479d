package io.wagw.store.bench;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.lease.SessionLease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Benchmark of the session store against a real (embedded, or {@code GW_DB_URL}) PostgreSQL:
 * lease acquire+release and renew throughput, and save/load latency of a 1 MB encrypted snapshot.
 * Prints a table and writes JSON to the path given as the first argument.
 */
public final class StoreBench {
    private static final Duration TTL = Duration.ofSeconds(15);

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/store.json");
        int threads = Integer.parseInt(System.getProperty("bench.threads", "4"));
        int seconds = Integer.parseInt(System.getProperty("bench.seconds", "5"));
        int snapshotRounds = Integer.parseInt(System.getProperty("bench.snapshots", "200"));
        Path dataDir = Files.createTempDirectory("wagw-store-bench");
        StoreConfig config = StoreConfig.embedded(dataDir).withPoolSize(threads + 2);
        String dbUrl = System.getenv("GW_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            config = config.withDbUrl(dbUrl, System.getenv("GW_DB_USER"), System.getenv("GW_DB_PASSWORD"));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        try (SessionStore store = SessionStore.open(config)) {
            String tenant = "bench-" + System.nanoTime();
            store.tenants().create(tenant, "Bench", "free");
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String name = tenant + "-s" + i;
                store.sessions().create(tenant, name, Map.of());
                sessions.add(name);
            }
            result.put("database", store.embedded() ? "embedded PostgreSQL" : "external PostgreSQL");
            result.put("threads", threads);
            result.put("seconds_per_measurement", seconds);

            new Runner(1, store, sessions)
                    .apply(
                            1,
                            (s, name, node) ->
                                    s.leases().acquire(name, node, TTL).ifPresent(s.leases()::release)); // warm-up
            result.put(
                    "lease_acquire_release_pairs_per_sec_1_thread", round(acquireRelease(store, sessions, 1, seconds)));
            result.put("lease_acquire_release_pairs_per_sec", round(acquireRelease(store, sessions, threads, seconds)));
            result.put("lease_renews_per_sec_1_thread", round(renews(store, sessions, 1, seconds)));
            result.put("lease_renews_per_sec", round(renews(store, sessions, threads, seconds)));

            byte[] state = new byte[1024 * 1024];
            new Random(42).nextBytes(state);
            String snapSession = sessions.getFirst();
            SessionLease lease =
                    store.leases().acquire(snapSession, "bench-node", TTL).orElseThrow();
            long[] save = new long[snapshotRounds];
            long[] load = new long[snapshotRounds];
            for (int i = -20; i < snapshotRounds; i++) { // 20 warm-up rounds
                lease = store.leases().renew(lease, TTL); // as a node does every few seconds; not timed
                long t0 = System.nanoTime();
                store.snapshots().save(lease, state);
                long t1 = System.nanoTime();
                byte[] back =
                        store.snapshots().latest(snapSession).orElseThrow().state();
                long t2 = System.nanoTime();
                if (!Arrays.equals(back, state)) {
                    throw new IllegalStateException("snapshot did not round-trip");
                }
                if (i >= 0) {
                    save[i] = t1 - t0;
                    load[i] = t2 - t1;
                }
            }
            store.leases().release(lease);
            result.put("snapshot_bytes", state.length);
            result.put("snapshot_rounds", snapshotRounds);
            result.put("snapshot_save_ms_p50", ms(percentile(save, 50)));
            result.put("snapshot_save_ms_p99", ms(percentile(save, 99)));
            result.put("snapshot_load_ms_p50", ms(percentile(load, 50)));
            result.put("snapshot_load_ms_p99", ms(percentile(load, 99)));
        }
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("java", System.getProperty("java.version"));

        System.out.println();
        System.out.println("session-store benchmark");
        result.forEach((k, v) -> System.out.printf("  %-46s %s%n", k, v));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, toJson(result) + "\n");
        System.out.println("saved to " + out.toAbsolutePath());
    }

    private static double acquireRelease(SessionStore store, List<String> sessions, int threads, int seconds)
            throws Exception {
        return new Runner(threads, store, sessions).apply(seconds, (s, name, node) -> {
            SessionLease l = s.leases()
                    .acquire(name, node, TTL)
                    .orElseThrow(() -> new IllegalStateException("lease busy: " + name));
            s.leases().release(l);
        });
    }

    private static double renews(SessionStore store, List<String> sessions, int threads, int seconds) throws Exception {
        Map<String, SessionLease> held = new ConcurrentHashMap<>();
        double rate = new Runner(threads, store, sessions).apply(seconds, (s, name, node) -> {
            SessionLease l = held.computeIfAbsent(
                    name, n -> s.leases().acquire(n, node, TTL).orElseThrow());
            held.put(name, s.leases().renew(l, TTL));
        });
        held.values().forEach(store.leases()::release);
        return rate;
    }

    interface Op {
        void run(SessionStore store, String session, String node) throws Exception;
    }

    /** Each thread works on its own sessions (no contention: this measures the store, not the race). */
    private record Runner(int threads, SessionStore store, List<String> sessions) {
        double apply(int seconds, Op op) throws Exception {
            AtomicLong ops = new AtomicLong();
            CountDownLatch done = new CountDownLatch(threads);
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int me = t;
                List<String> mine = sessions.stream()
                        .filter(s -> Math.floorMod(s.hashCode(), threads) == me)
                        .toList();
                Thread.ofPlatform().start(() -> {
                    try {
                        int i = 0;
                        while (System.nanoTime() < end) {
                            op.run(store, mine.get(i++ % mine.size()), "bench-" + me);
                            ops.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            if (!errors.isEmpty()) {
                throw new IllegalStateException("benchmark operation failed", errors.getFirst());
            }
            return ops.get() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String toJson(Map<String, Object> map) {
        return map.entrySet().stream()
                .map(e -> "  \"" + e.getKey() + "\": "
                        + (e.getValue() instanceof String s ? "\"" + s + "\"" : e.getValue()))
                .collect(Collectors.joining(",\n", "{\n", "\n}"));
    }
}
