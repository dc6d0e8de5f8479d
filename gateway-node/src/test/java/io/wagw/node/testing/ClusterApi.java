package io.wagw.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.wagw.sim.client.SimClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What multi-node tests and benchmarks read from a cluster's API, and how they link its sessions. */
public final class ClusterApi {
    private ClusterApi() {}

    /** Session to the node it runs on, for sessions running where they are assigned. */
    public static Map<String, String> runningOn(Http api) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode a : api.get("/api/cluster/assignments").json()) {
            if (!a.path("runningOn").isNull()
                    && a.path("runningOn").asText().equals(a.path("node").asText())) {
                out.put(a.path("session").asText(), a.path("node").asText());
            }
        }
        return out;
    }

    /** The sessions whose status is WORKING. */
    public static Set<String> working(Http api) {
        Set<String> out = new HashSet<>();
        api.get("/api/sessions?all=true").json().forEach(s -> {
            if ("WORKING".equals(s.path("status").asText())) {
                out.add(s.path("name").asText());
            }
        });
        return out;
    }

    public static boolean allWorking(Http api, Collection<String> sessions) {
        return working(api).containsAll(sessions);
    }

    /** Links one session: scans its QR with the phone as soon as it shows one (again if it rotated on the way). */
    /** Links a session by its QR with the simulated phone and waits until the node says it is WORKING. */
    public static void linkAndAwaitWorking(
            Http api, SimClient sim, String session, String phone, java.time.Duration timeout) {
        linkByQr(api, sim, session, phone, timeout);
        Await.until(
                session + " WORKING",
                timeout,
                () -> api.get("/api/sessions/" + session)
                        .json()
                        .path("status")
                        .asText()
                        .equals("WORKING"));
    }

    public static void linkByQr(Http api, SimClient sim, String session, String phone, java.time.Duration timeout) {
        Await.until(session + " linked", timeout, () -> {
            var r = api.get("/api/" + session + "/auth/qr?format=raw");
            if (r.status() != 200) {
                return false;
            }
            try {
                sim.linkByQr(phone, r.json().path("value").asText());
                return true;
            } catch (SimClient.SimApiException expired) {
                return false;
            }
        });
    }

    /** How many times the account of {@code phone} sent {@code text} to {@code customer}. */
    public static long replies(SimClient sim, String phone, String customer, String text) {
        return sim.sent(phone).stream()
                .filter(m -> m.to().startsWith(customer) && m.text().equals(text))
                .count();
    }

    /**
     * One round of linking: every session not yet in {@code linked} that shows a QR is scanned by its phone
     * (a code that rotated on the way waits for the next round). Returns whether all are linked.
     */
    public static boolean linkRound(Http api, SimClient sim, Map<String, String> phoneOf, Set<String> linked) {
        for (var e : phoneOf.entrySet()) {
            if (linked.contains(e.getKey())) {
                continue;
            }
            var r = api.get("/api/" + e.getKey() + "/auth/qr?format=raw");
            if (r.status() == 200) {
                try {
                    sim.linkByQr(e.getValue(), r.json().path("value").asText());
                    linked.add(e.getKey());
                } catch (SimClient.SimApiException expired) {
                    // rotated meanwhile: next round
                }
            }
        }
        return linked.size() == phoneOf.size();
    }
}
