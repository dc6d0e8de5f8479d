package io.wagw.router.cluster;

import static io.wagw.router.cluster.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The coordinator placing wanted sessions on real members, and moving them when members come and go. */
class ClusterPlacementTest {

    private static List<String> sessions(int count) {
        return IntStream.range(0, count).mapToObj(i -> "tenant-" + (i % 5) + "/line-" + i).toList();
    }

    /** Session → node, as the fake runtimes run them; fails if a session runs on two nodes. */
    private static Map<String, String> runningOn(TestCluster cluster, List<String> nodeIds) {
        Map<String, String> where = new HashMap<>();
        for (String nodeId : nodeIds) {
            for (String session : cluster.runtime(nodeId).sessions()) {
                String other = where.put(session, nodeId);
                assertThat(other).as("session %s runs on %s and %s", session, other, nodeId).isNull();
            }
        }
        return where;
    }

    private static Map<String, Long> loads(Map<String, String> table) {
        return table.values().stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    }

    private static void want(ClusterNode node, List<String> sessions) {
        sessions.forEach(s -> node.setWanted(s, true));
    }

    private static boolean allRunning(TestCluster cluster, List<String> nodeIds, List<String> sessions) {
        Map<String, String> where = runningOn(cluster, nodeIds);
        return where.keySet().equals(Set.copyOf(sessions));
    }

    @Test
    void wantedSessionsRunOnceEachWithinTheBound() {
        List<String> nodes = List.of("node-1", "node-2", "node-3");
        try (TestCluster cluster = new TestCluster(3).startAll()) {
            List<String> wanted = sessions(30);
            long start = System.nanoTime();
            want(cluster.node("node-3"), wanted);

            // ceil(1.25 × 30 / 3) = 13
            await(Duration.ofSeconds(10), () -> allRunning(cluster, nodes, wanted)
                    && loads(runningOn(cluster, nodes)).values().stream().allMatch(load -> load <= 13));
            System.out.println("placed in " + (System.nanoTime() - start) / 1_000_000 + " ms");

            Map<String, String> where = runningOn(cluster, nodes);
            assertThat(where).hasSize(30);
            assertThat(loads(where)).hasSize(3);
            Map<String, Assignment> table = cluster.node("node-1").assignments();
            where.forEach((session, node) -> assertThat(table.get(session).nodeId()).isEqualTo(node));
            assertThat(cluster.node("node-2").running()).isEqualTo(where);
        }
    }
}
