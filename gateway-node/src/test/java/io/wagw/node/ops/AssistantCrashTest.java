package io.wagw.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.NodeProcess;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The assistant when its node dies with customers' messages stored but not yet answered (they wait in the
 * tenant's debounce pause): the restarted node answers each customer's burst once, loses none.
 */
class AssistantCrashTest {
    private static final Duration T = Duration.ofSeconds(90);
    private static final String PRICE = "Manicure with gel: 12 000 KZT";

    @Test
    void messagesWaitingForTheAssistantWhenItsNodeIsKilledAreAnsweredOnceAfterTheRestart() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path work = Files.createTempDirectory("wagw-assistant-crash");
        Map<String, String> env = new HashMap<>(TestEnv.nodeEnv("assistant-crash-node"));
        env.put("GW_DATA_DIR", work.resolve("data").toString());
        String tenant = TestEnv.unique("salon");
        String name = tenant + "-main";
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Crash Salon");
        NodeProcess first = NodeProcess.start("assistant-crash-node", env, work);
        NodeProcess second = null;
        try {
            Http api = first.http();
            var onboarded = api.post("/api/tenants", """
                    {"slug":"%s","displayName":"Crash Salon","status":"active",
                     "settings":{"debounceMs":8000,"quickReplies":[{"pattern":"price","reply":"%s"}]}}""".formatted(tenant, PRICE));
            assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(201);
            var created = api.post("/api/sessions", "{\"name\":\"%s\",\"tenant\":\"%s\"}".formatted(name, tenant));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            ClusterApi.linkAndAwaitWorking(api, sim.client(), name, phone, T);

            List<String> customers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String customer = TestEnv.phone();
                customers.add(customer);
                sim.client().customerSends(customer, phone, "hi");
                sim.client().customerSends(customer, phone, "what is the price of a manicure?");
            }
            for (String c : customers) {
                Await.until(
                        "both messages of " + c + " stored",
                        T,
                        () -> api.get("/api/%s/chats/%s@c.us/messages".formatted(name, c))
                                        .json()
                                        .size()
                                == 2);
            }
            assertThat(customers).allMatch(c -> replies(sim, phone, c) == 0);
            first.killJvmOnly(); // within the 8 s pause: stored, not answered

            second = NodeProcess.start("assistant-crash-node", env, work);
            for (String c : customers) {
                Await.until("the burst of " + c + " answered", T, () -> replies(sim, phone, c) == 1);
            }
            Thread.sleep(3000);
            for (String c : customers) {
                assertThat(replies(sim, phone, c)).as("answered once").isEqualTo(1);
                assertThat(sim.client().sent(phone).stream()
                                .filter(m -> m.to().startsWith(c))
                                .count())
                        .as("nothing else sent to " + c)
                        .isEqualTo(1);
            }
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    private static long replies(WaSimulator sim, String phone, String customer) {
        return ClusterApi.replies(sim.client(), phone, customer, PRICE);
    }
}
