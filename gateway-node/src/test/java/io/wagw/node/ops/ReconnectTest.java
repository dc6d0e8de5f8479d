package io.wagw.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.sim.api.Faults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages that reach the number while its node is away arrive, when the page connects again, the way the
 * real WhatsApp Web delivers them: inside the history sync, before any script can listen (the simulator's
 * {@code queuedAsHistory} fault). The node reconciles what the page holds with the store and answers each
 * of them once; what the number received before it was linked is never answered.
 */
class ReconnectTest {
    private static final Duration T = Duration.ofSeconds(90);
    private static final String REPLY = "Thanks, we will get back to you.";

    @Test
    void messagesSentWhileTheNodeWasDownAreAnsweredOnceAndOlderHistoryNever() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path logs = Files.createTempDirectory("wagw-reconnect");
        Map<String, String> env = TestEnv.nodeEnv("reconnect-node");
        String name = TestEnv.unique("reconnect");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Reconnect Salon");
        String beforeLink = TestEnv.phone();
        sim.client().customerSends(beforeLink, phone, "written before the salon linked the gateway");
        try {
            try (NodeProcess node = NodeProcess.start("reconnect-node", env, logs)) {
                Http api = node.http();
                var created = api.post(
                        "/api/sessions", "{\"name\":\"%s\",\"config\":{\"autoReply\":\"%s\"}}".formatted(name, REPLY));
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                ClusterApi.linkByQr(api, sim.client(), name, phone, T);
                Await.until(
                        "WORKING",
                        T,
                        () -> node.sessionsRunning() == 1
                                && api.get("/api/sessions/" + name)
                                        .json()
                                        .path("status")
                                        .asText()
                                        .equals("WORKING"));
                Await.until(
                        "first snapshot",
                        T,
                        () -> !TestEnv.store().snapshots().list(name).isEmpty());
                node.signal("TERM");
                assertThat(node.awaitExit(T)).as("graceful stop").isTrue();
            }

            sim.client().faults(new Faults(0, false, true));
            String whileDown = TestEnv.phone();
            sim.client().customerSends(whileDown, phone, "written while the gateway was down");

            try (NodeProcess node = NodeProcess.start("reconnect-node", env, logs)) {
                Await.until("the message written while down answered", T, () -> replies(sim, phone, whileDown) == 1);
                Thread.sleep(3000);
                assertThat(replies(sim, phone, whileDown)).as("answered once").isEqualTo(1);
                assertThat(replies(sim, phone, beforeLink))
                        .as("history from before the link is not answered")
                        .isZero();
                assertThat(sim.client().devices(phone))
                        .as("restored, no new device")
                        .hasSize(1);
                assertThat(node.http()
                                .get("/api/" + name + "/chats/" + beforeLink + "@c.us/messages?limit=5")
                                .json())
                        .as("nor stored")
                        .isEmpty();
            }
        } finally {
            sim.client().faults(Faults.NONE);
        }
    }

    private static long replies(WaSimulator sim, String phone, String customer) {
        return ClusterApi.replies(sim.client(), phone, customer, REPLY);
    }
}
