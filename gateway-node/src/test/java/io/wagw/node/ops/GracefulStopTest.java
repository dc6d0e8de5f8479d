package io.wagw.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.store.session.SessionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C in a terminal, or a service manager that signals every process of the node, sends the signal to the
 * whole process group at once: the node must still stop gracefully (final snapshot, status, lease released)
 * because its browsers do not get the signal with it.
 */
class GracefulStopTest {
    private static final Duration T = Duration.ofSeconds(90);

    @Test
    void aSigtermToTheWholeProcessGroupStillStopsEverySessionGracefully() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path logs = Files.createTempDirectory("wagw-group-stop");
        String name = TestEnv.unique("group");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Group Salon");
        try (NodeProcess node = NodeProcess.startInOwnProcessGroup("group-node", TestEnv.nodeEnv("group-node"), logs)) {
            Http api = node.http();
            assertThat(api.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name))
                            .status())
                    .isEqualTo(201);
            ClusterApi.linkAndAwaitWorking(api, sim.client(), name, phone, T);
            Await.until(
                    "first snapshot",
                    T,
                    () -> !TestEnv.store().snapshots().list(name).isEmpty());
            assertThat(node.descendantsNamed("chrom")).as("its browser runs").isNotEmpty();

            node.signalGroup("TERM");
            assertThat(node.awaitExit(T)).as("the node exits").isTrue();
            String log = Files.readString(node.log().toPath());
            assertThat(log).as("the final snapshot went through the browser").doesNotContain("final snapshot failed");
            assertThat(log).as("no browser died under the stop").doesNotContain("crashed");
            var row = TestEnv.store().sessions().get(name);
            assertThat(row.status()).isEqualTo(SessionStatus.STOPPED);
            assertThat(row.statusReason()).isEqualTo("node shut down");
            assertThat(TestEnv.store().leases().current(name))
                    .as("lease released")
                    .isEmpty();
            assertThat(sim.client().devices(phone).getFirst().liveConnections()).isZero();
        }
    }
}
