package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.ClusterApi;
import io.wagw.node.testing.ConsoleBrowser;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The console of a two-node cluster (separate JVMs, one database): signed in on one node, the cookie holds on the
 * other; the cluster page shows both nodes and the assignment; an operator drains the node that runs a linked
 * session, confirming in a dialog, and the session moves to the other node without a QR while the drained node exits.
 */
class ConsoleClusterTest {
    private static final Duration T = Duration.ofMinutes(2);
    private static final List<NodeProcess> nodes = new ArrayList<>();

    @AfterAll
    static void stopAll() throws Exception {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    @Test
    void anOperatorDrainsTheNodeRunningASessionFromTheConsoleAndTheSessionMovesWithoutAQr() throws Exception {
        WaSimulator sim = TestEnv.sim();
        Path logs = Files.createTempDirectory("wagw-console-cluster");
        String cluster = "console-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Integer> ports = Map.of("c1", TestEnv.freePort(), "c2", TestEnv.freePort());
        List<String> members =
                ports.values().stream().map(p -> "127.0.0.1:" + p).toList();
        Map<String, NodeProcess> byId = new HashMap<>();
        Map<String, String> base = new HashMap<>();
        for (String id : List.of("c1", "c2")) {
            var env = TestEnv.nodeEnv(id + "-" + cluster);
            env.put("GW_NODE_ID", id);
            env.put("GW_CLUSTER_NAME", cluster);
            env.put("GW_CLUSTER_PORT", Integer.toString(ports.get(id)));
            env.put("GW_CLUSTER_MEMBERS", String.join(",", members));
            env.put("GW_CLUSTER_MOVES_PER_MINUTE", "60");
            env.put("GW_SEND_PAUSE_MS", "0");
            base.put(id, "http://127.0.0.1:" + env.get("GW_HTTP_PORT"));
            var node = NodeProcess.start(id, env, logs);
            nodes.add(node);
            byId.put(id, node);
        }
        Http api = byId.get("c1").http();
        Await.until("2 members", T, () -> api.get("/api/cluster/nodes").json().size() == 2);

        String session = TestEnv.unique("drain");
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Cluster Salon");
        assertThat(api.post("/api/sessions", "{\"name\":\"%s\"}".formatted(session))
                        .status())
                .isEqualTo(201);
        ClusterApi.linkAndAwaitWorking(api, sim.client(), session, phone, T);
        String owner = Await.value(
                "the session placed", T, () -> ClusterApi.runningOn(api).get(session));
        String survivor = owner.equals("c1") ? "c2" : "c1";

        try (var browser = new ConsoleBrowser()) {
            Page page = browser.desktop();
            String survivorBase = base.get(survivor);
            page.navigate(survivorBase + "/console");
            page.getByLabel("API key").fill("test-admin-key-0123456789abcdef");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                    .click();
            page.locator("#nav").waitFor();

            // the same cookie on the other node: signed in there too, its calls forwarded to the session's owner
            page.navigate(base.get(owner) + "/console#/sessions");
            page.locator("tr[data-session='%s'] [data-status=WORKING]".formatted(session))
                    .waitFor();
            assertThat(page.locator("tr[data-session='%s']".formatted(session)).innerText())
                    .contains(owner);

            // the session's live events come from its owner through the node the page talks to
            page.navigate(survivorBase + "/console#/conversations?session=" + session);
            page.locator("#live-status[data-status=WORKING]").waitFor();

            page.navigate(survivorBase + "/console#/cluster");
            page.locator("#nodes tr[data-node=c1]").waitFor();
            page.locator("#nodes tr[data-node=c2]").waitFor();
            page.locator("#assignments").getByText(session).waitFor();
            // no GW_LLM_* here: the model providers' section says the tenants are answered from their knowledge
            page.locator("#breakers").getByText("No node-wide model provider").waitFor();
            page.locator("#breakers").getByText("0 closed, 0 open, 0 half-open").waitFor();
            Await.until(
                    "a few health samples in the charts",
                    T,
                    () -> ((Number)
                                            page.evaluate(
                                                    "document.querySelector('#nodes polyline').getAttribute('points').split(' ').length"))
                                    .intValue()
                            >= 4);
            ConsoleBrowser.screenshot(page, "07-cluster");

            page.locator("#nodes").getByLabel("Drain " + owner).click();
            var dialog = page.locator("#drain-dialog");
            dialog.getByText("Drain " + owner + "?").waitFor();
            dialog.getByText("Cancel").click();
            assertThat(dialog.isVisible()).isFalse();
            assertThat(api.get("/api/cluster/nodes").text()).doesNotContain("\"draining\":true");

            page.locator("#nodes").getByLabel("Drain " + owner).click();
            dialog.getByRole(
                            AriaRole.BUTTON,
                            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Drain " + owner))
                    .click();
            assertThat(byId.get(owner).awaitExit(T))
                    .as(owner + " exits once drained")
                    .isTrue();
            Http survivorApi = byId.get(survivor).http();
            Await.until(
                    session + " WORKING on " + survivor,
                    T,
                    () -> survivor.equals(ClusterApi.runningOn(survivorApi).get(session))
                            && ClusterApi.allWorking(survivorApi, List.of(session)));
            page.locator("#assignments tr", new Page.LocatorOptions().setHasText(session))
                    .getByText(survivor)
                    .first()
                    .waitFor();
            Await.until(
                    "the drained node leaves the page",
                    T,
                    () -> page.locator("#nodes tr[data-node=" + owner + "]").count() == 0);
        }
    }
}
