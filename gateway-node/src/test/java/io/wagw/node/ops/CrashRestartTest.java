package io.wagw.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.db.Postmaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A single node on its embedded PostgreSQL, as one VPS runs it, killed with SIGKILL (an OOM kill, a crash)
 * and started again on the same data folder, as a supervisor does: it comes back by itself, with its
 * sessions and what it stored.
 */
class CrashRestartTest {
    private static final Duration T = Duration.ofSeconds(90);
    private static final String REPLY = "Thanks, the salon got your message.";

    @Test
    void aNodeKilledWithSigkillStartsAgainOnItsFolderWithItsSessionsAndMessages() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path work = Files.createTempDirectory("wagw-crash");
        Map<String, String> env = embeddedEnv("crash-node", work.resolve("data"));
        Path pgDir = work.resolve("data").resolve("postgres");
        String name = TestEnv.unique("crash");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Crash Salon");
        NodeProcess first = NodeProcess.start("crash-node", env, work);
        NodeProcess second = null;
        try {
            Http api = first.http();
            var created = api.post(
                    "/api/sessions", "{\"name\":\"%s\",\"config\":{\"autoReply\":\"%s\"}}".formatted(name, REPLY));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            linkAndAwaitWorking(api, sim, name, phone);
            // the first snapshot is taken once WORKING: read the node's own database to see it there
            try (var store = SessionStore.open(StoreConfig.embedded(work.resolve("reader"))
                    .withDbUrl(
                            "jdbc:postgresql://127.0.0.1:" + portOf(pgDir) + "/postgres",
                            "postgres",
                            Files.readString(work.resolve("data").resolve("postgres.password"))
                                    .trim())
                    .withMasterKeyFile(work.resolve("data").resolve("master.key"))
                    .withPoolSize(2))) {
                Await.until(
                        "first snapshot saved",
                        T,
                        () -> !store.snapshots().list(name).isEmpty());
            }

            List<String> customers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String customer = TestEnv.phone();
                customers.add(customer);
                sim.client().customerSends(customer, phone, "before the crash " + i);
            }
            for (String c : customers) {
                Await.until("reply to " + c, T, () -> replies(sim, phone, c) == 1);
            }
            long postmaster = Postmaster.running(pidOf(pgDir)) ? pidOf(pgDir) : -1;
            assertThat(postmaster).as("the node runs its embedded PostgreSQL").isPositive();
            List<ProcessHandle> browsers = first.descendantsNamed("chrom");
            assertThat(browsers).as("the node runs Chromium").isNotEmpty();

            long killedAt = System.nanoTime();
            first.killJvmOnly();
            // its page may still receive (and acknowledge) this before its browser notices the JVM is gone
            String justAfter = TestEnv.phone();
            sim.client().customerSends(justAfter, phone, "right after the crash");
            Await.until(
                    "the embedded PostgreSQL stopped after its node died",
                    Duration.ofSeconds(15),
                    () -> !Postmaster.running(postmaster));
            long pgGoneMs = (System.nanoTime() - killedAt) / 1_000_000;
            Await.until(
                    "Chromium gone after its node died",
                    Duration.ofSeconds(15),
                    () -> browsers.stream().noneMatch(p -> Postmaster.running(p.pid())));

            long restartAt = System.nanoTime();
            second = NodeProcess.start("crash-node", env, work);
            long upMs = (System.nanoTime() - restartAt) / 1_000_000;
            Http api2 = second.http();
            NodeProcess restarted = second;
            // running here again, and WORKING (the stored status still says WORKING from before the crash)
            Await.until(
                    "WORKING again after the restart",
                    T,
                    () -> restarted.sessionsRunning() == 1
                            && api2.get("/api/sessions/" + name)
                                    .json()
                                    .path("status")
                                    .asText()
                                    .equals("WORKING"));
            long workingMs = (System.nanoTime() - restartAt) / 1_000_000;
            System.out.printf(
                    "after kill -9: PostgreSQL gone in %d ms; restarted node healthy in %d ms, session WORKING in %d ms%n",
                    pgGoneMs, upMs, workingMs);
            assertThat(upMs).as("the restarted node serves within seconds").isLessThan(30_000);
            assertThat(sim.client().devices(phone))
                    .as("restored from its snapshot: no new device linked")
                    .hasSize(1);

            for (int i = 0; i < customers.size(); i++) {
                JsonNode history = api2.get("/api/" + name + "/chats/" + customers.get(i) + "@c.us/messages?limit=10")
                        .json();
                List<String> bodies = new ArrayList<>();
                history.forEach(m -> bodies.add(m.path("body").asText()));
                assertThat(bodies).as("what was stored before the crash").contains("before the crash " + i, REPLY);
            }
            Await.until(
                    "reply to what was written right after the crash", T, () -> replies(sim, phone, justAfter) == 1);
            String after = TestEnv.phone();
            sim.client().customerSends(after, phone, "after the restart");
            Await.until("reply after the restart", T, () -> replies(sim, phone, after) == 1);
            Thread.sleep(2000);
            for (String c : customers) {
                assertThat(replies(sim, phone, c)).as("nobody answered twice").isEqualTo(1);
            }
            assertThat(replies(sim, phone, justAfter))
                    .as("nobody answered twice")
                    .isEqualTo(1);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aSecondNodeOnAFolderALiveNodeHoldsIsRefusedNamingIt() throws Exception {
        Path work = Files.createTempDirectory("wagw-held");
        Path data = work.resolve("data");
        try (NodeProcess holder = NodeProcess.start("holder-node", embeddedEnv("holder-node", data), work)) {
            long postmaster = pidOf(data.resolve("postgres"));
            NodeProcess intruder = NodeProcess.launch("intruder-node", embeddedEnv("intruder-node", data), work);
            assertThat(intruder.awaitExit(Duration.ofSeconds(60)))
                    .as("the second node gives up")
                    .isTrue();
            assertThat(intruder.exitValue()).isNotZero();
            String log = Files.readString(intruder.log().toPath());
            assertThat(log)
                    .contains("in use by process " + holder.pid())
                    .contains(data.toAbsolutePath().toString());
            assertThat(holder.alive()).isTrue();
            assertThat(Postmaster.running(postmaster))
                    .as("the holder's database untouched")
                    .isTrue();
            assertThat(holder.http().get("/health").status()).isEqualTo(200);
        }
    }

    private static Map<String, String> embeddedEnv(String nodeId, Path dataDir) {
        Map<String, String> env = new HashMap<>(TestEnv.nodeEnv(nodeId));
        env.remove("GW_DB_URL");
        env.remove("GW_DB_USER");
        env.remove("GW_MASTER_KEY_FILE");
        env.put("GW_DATA_DIR", dataDir.toString());
        env.put("GW_SEND_PAUSE_MS", "0");
        return env;
    }

    private static long pidOf(Path pgDir) throws Exception {
        return Long.parseLong(
                Files.readAllLines(pgDir.resolve("postmaster.pid")).getFirst().trim());
    }

    /** The port line of {@code postmaster.pid} (its fourth). */
    private static int portOf(Path pgDir) throws Exception {
        return Integer.parseInt(
                Files.readAllLines(pgDir.resolve("postmaster.pid")).get(3).trim());
    }

    private static long replies(WaSimulator sim, String phone, String customer) {
        return ClusterApi.replies(sim.client(), phone, customer, REPLY);
    }

    private static void linkAndAwaitWorking(Http api, WaSimulator sim, String name, String phone) {
        ClusterApi.linkAndAwaitWorking(api, sim.client(), name, phone, T);
    }
}
