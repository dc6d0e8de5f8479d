package io.wagw.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.sim.api.Stats;
import io.wagw.sim.testing.ProtocolPage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One process holds 1,000 accounts and 200 connected pages, and delivers to all of them. */
class ScaleTest {
    @Test
    void thousandAccountsAndTwoHundredConnectedPages() {
        List<ProtocolPage> pages = new ArrayList<>();
        try (WaSimulator sim = WaSimulator.start(SimulatorOptions.fast().withSyncMs(1))) {
            for (int i = 0; i < 1000; i++) sim.client().createAccount(String.valueOf(77050000000L + i), "Tenant " + i);
            for (int i = 0; i < 200; i++) {
                ProtocolPage p = ProtocolPage.open(sim.baseUrl(), true, false);
                pages.add(p);
                sim.client().linkByQr(String.valueOf(77050000000L + i), p.hello());
                p.completeLogin();
            }
            List<Map<String, String>> batch = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                batch.add(Map.of(
                        "from",
                        String.valueOf(79060000000L + i),
                        "to",
                        String.valueOf(77050000000L + i),
                        "text",
                        "hello " + i));
            }
            sim.client().call("POST", "/sim/messages/batch", Map.of("messages", batch));
            ControlApiTest.awaitCondition(() -> pages.stream().allMatch(p -> p.received.get() == 1));
            ControlApiTest.awaitCondition(() -> sim.client().stats().queued() == 0);

            Stats stats = sim.client().stats();
            assertThat(stats.accounts()).isEqualTo(1000);
            assertThat(stats.pagesConnected()).isEqualTo(200);
            assertThat(stats.activeSessions()).isEqualTo(200);
            assertThat(stats.conflicts()).isZero();
            assertThat(stats.messagesIn()).isEqualTo(200);
        } finally {
            pages.forEach(ProtocolPage::closeAbruptly);
        }
    }
}
