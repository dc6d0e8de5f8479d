package io.wagw.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.testing.Await;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node whose JVM is frozen (SIGSTOP) must not keep its sessions connected past its leases. */
class FrozenNodeTest {
    private static final Duration T = Duration.ofSeconds(60);

    @Test
    void aFrozenNodesPagesLeaveWhatsAppBeforeItsLeasesExpire() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path logs = Files.createTempDirectory("wagw-frozen");
        var env = TestEnv.nodeEnv("frozen-node");
        String name = TestEnv.unique("frozen");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Frozen Salon");
        try (NodeProcess node = NodeProcess.start("frozen-node", env, logs)) {
            var api = node.http();
            assertThat(api.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name)).status()).isEqualTo(201);
            Await.until("linked", T, () -> {
                var r = api.get("/api/" + name + "/auth/qr?format=raw");
                if (r.status() != 200) {
                    return false;
                }
                try {
                    sim.client().linkByQr(phone, r.json().path("value").asText());
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            Await.until("WORKING", T, () -> api.get("/api/sessions/" + name).json().path("status").asText().equals("WORKING"));
            Await.until("connected", T, () -> sim.client().devices(phone).getFirst().liveConnections() == 1);

            node.signal("STOP");
            try {
                // the lease lasts 6 s (GW_LEASE_TTL_SECONDS in the test env); the page must be gone before that
                Await.until("page disconnected while the JVM is frozen", Duration.ofSeconds(6),
                        () -> sim.client().devices(phone).getFirst().liveConnections() == 0);
                Thread.sleep(4000); // frozen past the lease's expiry, as when another node took over
                assertThat(sim.client().devices(phone).getFirst().liveConnections()).isZero();
            } finally {
                node.signal("CONT");
            }
            Await.until("the node let go of the session", T, () -> node.sessionsRunning() == 0);
            assertThat(sim.client().devices(phone).getFirst().liveConnections()).isZero();
            assertThat(api.get("/api/sessions/" + name).json().path("status").asText())
                    .as("nothing written after the lease was lost").isEqualTo("WORKING");
        }
    }
}
