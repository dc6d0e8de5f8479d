package io.wagw.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.config.NodeConfig;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node whose JVM is frozen (SIGSTOP) must not keep its sessions connected past its leases; when it comes
 * back, a message its page received meanwhile is stored and answered once, and the node runs the session
 * again under a new lease.
 */
class FrozenNodeTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String REPLY = "Thanks, the salon answers soon.";

    private static long replies(WaSimulator sim, String phone, String customer) {
        return ClusterApi.replies(sim.client(), phone, customer, REPLY);
    }

    @Test
    void aFrozenNodesPagesLeaveWhatsAppBeforeItsLeasesExpireAndNothingTheyReceivedIsLost() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path logs = Files.createTempDirectory("wagw-frozen");
        var env = TestEnv.nodeEnv("frozen-node");
        String name = TestEnv.unique("frozen");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Frozen Salon");
        try (NodeProcess node = NodeProcess.start("frozen-node", env, logs)) {
            var api = node.http();
            long conflictsBefore = sim.client().stats().conflicts();
            assertThat(api.post(
                                    "/api/sessions",
                                    "{\"name\":\"%s\",\"config\":{\"autoReply\":\"%s\"}}".formatted(name, REPLY))
                            .status())
                    .isEqualTo(201);
            ClusterApi.linkAndAwaitWorking(api, sim.client(), name, phone, T);
            Await.until(
                    "connected", T, () -> sim.client().devices(phone).getFirst().liveConnections() == 1);

            // the first snapshot is saved right after WORKING is announced; frozen before it, the node would
            // come back to a QR
            Await.until(
                    "first snapshot",
                    T,
                    () -> !TestEnv.store().snapshots().list(name).isEmpty());
            long epochBefore =
                    TestEnv.store().leases().current(name).orElseThrow().epoch();
            String customer = TestEnv.phone();
            node.signal("STOP");
            long frozenAt = System.nanoTime();
            long windowMs;
            try {
                // WhatsApp delivers this to the page, which acknowledges it although its node cannot hear it
                sim.client().customerSends(customer, phone, "written while the node is frozen");
                // the lease lasts 6 s (GW_LEASE_TTL_SECONDS in the test env); the page must be gone before that
                Await.until(
                        "page disconnected while the JVM is frozen",
                        Duration.ofSeconds(6),
                        () -> sim.client().devices(phone).getFirst().liveConnections() == 0);
                windowMs = (System.nanoTime() - frozenAt) / 1_000_000;
                Thread.sleep(4000); // frozen past the lease's expiry, as when another node took over
                assertThat(sim.client().devices(phone).getFirst().liveConnections())
                        .isZero();
            } finally {
                node.signal("CONT");
            }
            System.out.printf(
                    "a frozen node's page kept receiving for %d ms after the freeze (lease TTL 6 s)%n", windowMs);
            // back, the node stores what its page received, lets the old lease go and runs the session again
            Await.until(
                    "the session runs again under a new lease",
                    T,
                    () -> TestEnv.store()
                                    .leases()
                                    .current(name)
                                    .map(l -> l.epoch() > epochBefore)
                                    .orElse(false)
                            && node.sessionsRunning() == 1
                            && api.get("/api/sessions/" + name)
                                    .json()
                                    .path("status")
                                    .asText()
                                    .equals("WORKING"));
            Await.until("the message written during the freeze answered", T, () -> replies(sim, phone, customer) == 1);
            Thread.sleep(3000);
            assertThat(replies(sim, phone, customer)).as("answered once").isEqualTo(1);
            assertThat(sim.client().devices(phone)).as("no new device").hasSize(1);
            assertThat(sim.client().stats().conflicts())
                    .as("never two live pages")
                    .isEqualTo(conflictsBefore);
        }
    }

    /**
     * The switch must not fire while the node is merely busy: with the default lease TTL (2 s, renewed every
     * 250 ms; the watchdog fires 0.4 s before a lease could expire), a node opening nine pages at once,
     * collecting its whole heap again and again, and stopped outright for 1 s keeps its browser and its working
     * session's connection.
     */
    @Test
    void aBusyNodeWithFullCollectionsAndAShortStopKeepsItsBrowserAndConnection() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path logs = Files.createTempDirectory("wagw-busy");
        var env = TestEnv.nodeEnv("busy-node");
        env.put("GW_LEASE_TTL_SECONDS", Integer.toString(NodeConfig.DEFAULT_LEASE_TTL_SECONDS));
        String name = TestEnv.unique("busy");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Busy Salon");
        try (NodeProcess node = NodeProcess.start("busy-node", env, logs)) {
            var api = node.http();
            long conflictsBefore = sim.client().stats().conflicts();
            assertThat(api.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name))
                            .status())
                    .isEqualTo(201);
            ClusterApi.linkAndAwaitWorking(api, sim.client(), name, phone, T);
            Await.until(
                    "connected", T, () -> sim.client().devices(phone).getFirst().liveConnections() == 1);
            long browser = browserPid(node);

            AtomicInteger drops = new AtomicInteger();
            AtomicBoolean busy = new AtomicBoolean(true);
            Thread watch = Thread.ofPlatform().start(() -> {
                while (busy.get()) {
                    if (sim.client().devices(phone).getFirst().liveConnections() != 1) {
                        drops.incrementAndGet();
                    }
                    sleepMs(50);
                }
            });
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Thread collector = Thread.ofPlatform().start(() -> {
                while (busy.get()) {
                    try {
                        new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "GC.run")
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .redirectError(ProcessBuilder.Redirect.DISCARD)
                                .start()
                                .waitFor();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            List<String> others = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                String other = TestEnv.unique("busy-qr");
                others.add(other);
                assertThat(api.post("/api/sessions", "{\"name\":\"%s\"}".formatted(other))
                                .status())
                        .isEqualTo(201);
            }
            Thread.sleep(1500);
            node.signal("STOP");
            Thread.sleep(1000);
            node.signal("CONT");
            Await.until(
                    "the nine pages show their QR",
                    T,
                    () -> others.stream()
                            .allMatch(o -> api.get("/api/sessions/" + o)
                                    .json()
                                    .path("status")
                                    .asText()
                                    .equals("SCAN_QR_CODE")));
            Thread.sleep(3000);
            busy.set(false);
            watch.join();
            collector.join();

            String log = Files.readString(node.log().toPath());
            assertThat(log).doesNotContain("missed its deadline").doesNotContain("lease lost");
            assertThat(ProcessHandle.of(browser).map(ProcessHandle::isAlive))
                    .as("the same browser")
                    .contains(true);
            assertThat(browserPid(node)).isEqualTo(browser);
            assertThat(drops.get()).as("samples with the connection down").isZero();
            assertThat(api.get("/api/sessions/" + name).json().path("status").asText())
                    .isEqualTo("WORKING");
            assertThat(sim.client().stats().conflicts()).isEqualTo(conflictsBefore);
        }
    }

    private static long browserPid(NodeProcess node) {
        return ProcessHandle.of(node.pid())
                .orElseThrow()
                .descendants()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).stream().anyMatch(x -> x.startsWith("--wagw-browser=")))
                        .orElse(false))
                .mapToLong(ProcessHandle::pid)
                .min()
                .orElseThrow();
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
