package io.wagw.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.StoppablePostgres;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.snapshot.MasterKeyring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away for 30 seconds (stopped abruptly, then started again on the same port and data)
 * while customers keep writing to every session: every message is answered exactly once afterwards,
 * without a QR and without a session ever running twice; meanwhile the nodes say the database is down.
 */
class DatabaseOutageTest {
    private static final Duration T = Duration.ofMinutes(3);
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final String REPLY = "Thanks, the salon will answer you soon.";

    @Test
    void aStandaloneNodeAnswersEveryMessageWrittenDuringTheOutageOnce() throws Exception {
        Path work = Files.createTempDirectory("wagw-outage-one");
        try (var pg = StoppablePostgres.start(work.resolve("pg"))) {
            List<NodeProcess> nodes = new ArrayList<>();
            try {
                nodes.add(NodeProcess.start("outage-solo", env("outage-solo", pg, work), work));
                outageScenario(pg, nodes, 3, work);
            } finally {
                for (NodeProcess n : nodes) {
                    n.close();
                }
            }
        }
    }

    @Test
    void aClusterAnswersEveryMessageWrittenDuringTheOutageOnce() throws Exception {
        Path work = Files.createTempDirectory("wagw-outage-cluster");
        String cluster = "outage-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Integer> clusterPorts = new LinkedHashMap<>();
        for (String id : List.of("out-1", "out-2", "out-3")) {
            clusterPorts.put(id, TestEnv.freePort());
        }
        String members = String.join(
                ",", clusterPorts.values().stream().map(p -> "127.0.0.1:" + p).toList());
        try (var pg = StoppablePostgres.start(work.resolve("pg"))) {
            List<NodeProcess> nodes = new ArrayList<>();
            try {
                for (String id : clusterPorts.keySet()) {
                    Map<String, String> env = env(id, pg, work);
                    env.put("GW_CLUSTER_NAME", cluster);
                    env.put("GW_CLUSTER_PORT", Integer.toString(clusterPorts.get(id)));
                    env.put("GW_CLUSTER_MEMBERS", members);
                    env.put("GW_CLUSTER_MOVES_PER_MINUTE", "60");
                    nodes.add(NodeProcess.start(id, env, work));
                }
                Http api = nodes.getFirst().http();
                Await.until(
                        "3 members",
                        T,
                        () -> api.get("/api/cluster/nodes").json().size() == 3);
                outageScenario(pg, nodes, 6, work);
            } finally {
                for (NodeProcess n : nodes) {
                    n.close();
                }
            }
        }
    }

    private static void outageScenario(StoppablePostgres pg, List<NodeProcess> nodes, int sessionCount, Path work)
            throws Exception {
        WaSimulator sim = TestEnv.sim();
        Http api = nodes.getFirst().http();
        Map<String, String> phoneOf = new LinkedHashMap<>();
        for (int i = 0; i < sessionCount; i++) {
            String name = TestEnv.unique("outage");
            String phone = TestEnv.phone();
            sim.client().createAccount(phone, "Outage salon " + i);
            phoneOf.put(name, phone);
            var r = api.post(
                    "/api/sessions", "{\"name\":\"%s\",\"config\":{\"autoReply\":\"%s\"}}".formatted(name, REPLY));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
        List<String> sessions = new ArrayList<>(phoneOf.keySet());
        var linked = new HashSet<String>();
        Await.until("all linked", T, () -> ClusterApi.linkRound(api, sim.client(), phoneOf, linked));
        Await.until("all WORKING", T, () -> allWorking(api, sessions));
        try (var reader = SessionStore.open(StoreConfig.embedded(work.resolve("reader-" + UUID.randomUUID()))
                .withDbUrl(pg.jdbcUrl(), "postgres", null)
                .withMasterKeyFile(work.resolve("master.key"))
                .withPoolSize(2))) {
            Await.until(
                    "every session has a snapshot",
                    T,
                    () -> sessions.stream()
                            .allMatch(s -> !reader.snapshots().list(s).isEmpty()));
        }
        long conflictsBefore = sim.client().stats().conflicts();

        // the database goes away; customers write to every session every 3 s throughout
        pg.stopAbruptly();
        long downAt = System.nanoTime();
        List<String[]> written = new CopyOnWriteArrayList<>(); // {session, customer}
        Thread customers = Thread.ofVirtual().start(() -> {
            for (int round = 0; System.nanoTime() - downAt < OUTAGE.toNanos(); round++) {
                for (String s : sessions) {
                    String customer = TestEnv.phone();
                    sim.client().customerSends(customer, phoneOf.get(s), "written during the outage, round " + round);
                    written.add(new String[] {s, customer});
                }
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (NodeProcess n : nodes) {
            Await.until(n.id() + " says the database is down", Duration.ofSeconds(20), () -> {
                var h = n.http().withKey(null).get("/health");
                return h.status() == 503
                        && h.json().path("status").asText().equals("DOWN")
                        && !h.json().path("database").path("reachable").asBoolean();
            });
            assertThat(n.alive()).isTrue();
        }
        customers.join();
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - downAt) / 1_000_000));
        pg.startAgain();
        long upAt = System.nanoTime();

        Await.until(
                "every message written during the outage answered",
                T,
                () -> written.stream().allMatch(w -> replies(sim, phoneOf.get(w[0]), w[1]) >= 1));
        long answeredMs = (System.nanoTime() - upAt) / 1_000_000;
        Await.until("all WORKING", T, () -> allWorking(api, sessions));
        Thread.sleep(5000); // a second answer would have come by now
        for (String[] w : written) {
            assertThat(replies(sim, phoneOf.get(w[0]), w[1]))
                    .as("answers to " + w[1] + " in " + w[0])
                    .isEqualTo(1);
        }
        for (String s : sessions) {
            assertThat(sim.client().devices(phoneOf.get(s)))
                    .as("no QR: the device linked once, for " + s)
                    .hasSize(1);
        }
        assertThat(sim.client().stats().conflicts())
                .as("no session ran in two browsers")
                .isEqualTo(conflictsBefore);
        long spooled = 0;
        for (NodeProcess n : nodes) {
            Await.until(n.id() + " healthy again with an empty spool", T, () -> {
                var h = n.http().withKey(null).get("/health");
                return h.status() == 200
                        && h.json().path("spool").path("pending").asLong() == 0;
            });
            spooled += metric(n.http().withKey(null).get("/metrics").text(), "wagw_inbound_spooled_total");
        }
        System.out.printf(
                "database outage of %d s, %d nodes, %d sessions: %d messages written, %d spooled on the nodes, "
                        + "all answered once %d ms after the database returned%n",
                OUTAGE.toSeconds(), nodes.size(), sessionCount, written.size(), spooled, answeredMs);
        assertThat(spooled)
                .as("messages the pages received while the database was away went through the spool")
                .isPositive();
    }

    private static Map<String, String> env(String nodeId, StoppablePostgres pg, Path work) {
        MasterKeyring.loadOrCreate(work); // one key for the nodes sharing the database
        Map<String, String> env = new HashMap<>(TestEnv.nodeEnv(nodeId));
        env.put("GW_DB_URL", pg.jdbcUrl());
        env.put("GW_DB_USER", "postgres");
        env.put("GW_MASTER_KEY_FILE", work.resolve("master.key").toString());
        env.put("GW_DATA_DIR", work.resolve(nodeId).toString());
        env.put("GW_SEND_PAUSE_MS", "0");
        env.put("GW_SEND_PER_MINUTE", "600");
        env.put("GW_SEND_BURST", "100");
        return env;
    }

    private static boolean allWorking(Http api, List<String> sessions) {
        return ClusterApi.allWorking(api, sessions);
    }

    private static long replies(WaSimulator sim, String phone, String customer) {
        return ClusterApi.replies(sim.client(), phone, customer, REPLY);
    }

    private static long metric(String scrape, String name) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
