package io.wagw.router.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** Builders of test clusters and the independent checks every placement must pass. */
final class Clusters {
    private Clusters() {}

    static String nodeId(int i) {
        return "node-" + i;
    }

    static List<NodeSpec> healthy(int count, int capacity) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(NodeSpec.active(nodeId(i), capacity));
        }
        return nodes;
    }

    /** Session ids shaped like the gateway's ({@code tenant/session}), unique, in a random order. */
    static List<String> sessions(Random random, int count) {
        Set<String> ids = new TreeSet<>();
        while (ids.size() < count) {
            ids.add("t" + random.nextInt(200) + "/line-" + random.nextInt(1_000_000));
        }
        List<String> list = new ArrayList<>(ids);
        java.util.Collections.shuffle(list, random);
        return list;
    }

    static List<String> numbered(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("tenant-" + (i % 37) + "/session-" + i);
        }
        return ids;
    }

    /**
     * Fair shares recomputed independently of the implementation: bisection on the level λ such that
     * Σ min(capacity, λ × capacity × health) equals the sessions that fit.
     */
    static Map<String, Double> expectedShares(List<NodeSpec> nodes, int sessions) {
        long capacity = nodes.stream()
                .filter(NodeSpec::acceptsSessions)
                .mapToLong(NodeSpec::capacity)
                .sum();
        double total = Math.min(sessions, capacity);
        double low = 0;
        double high = 1;
        while (sum(nodes, high) < total && high < 1e18) {
            high *= 2;
        }
        for (int i = 0; i < 200; i++) {
            double mid = (low + high) / 2;
            if (sum(nodes, mid) < total) {
                low = mid;
            } else {
                high = mid;
            }
        }
        Map<String, Double> shares = new HashMap<>();
        for (NodeSpec node : nodes) {
            shares.put(node.nodeId(), node.acceptsSessions() ? Math.min(node.capacity(), high * node.weight()) : 0.0);
        }
        return shares;
    }

    private static double sum(List<NodeSpec> nodes, double level) {
        double sum = 0;
        for (NodeSpec node : nodes) {
            if (node.acceptsSessions()) {
                sum += Math.min(node.capacity(), level * node.weight());
            }
        }
        return sum;
    }

    /**
     * Checks what every assignment must satisfy: each session placed exactly once or reported unplaced (only
     * when capacity is short), only accepting nodes hold sessions, no node above its hard cap nor above
     * ceil((1 + ε) × its fair share), reported loads match the table.
     */
    static void assertValid(
            PlacementTable assignment, List<NodeSpec> nodes, List<String> sessions, PlacementOptions options) {
        Set<String> expected = new TreeSet<>(sessions);
        Set<String> seen = new TreeSet<>(assignment.owners().keySet());
        for (String lost : assignment.unplaced()) {
            assertThat(seen).as("unplaced session also placed").doesNotContain(lost);
        }
        seen.addAll(assignment.unplaced());
        assertThat(seen).isEqualTo(expected);

        long capacity = nodes.stream()
                .filter(NodeSpec::acceptsSessions)
                .mapToLong(NodeSpec::capacity)
                .sum();
        if (capacity >= expected.size()) {
            assertThat(assignment.unplaced())
                    .as("unplaced although capacity suffices")
                    .isEmpty();
        } else {
            assertThat(assignment.owners())
                    .as("placed sessions when capacity is short")
                    .hasSize((int) capacity);
        }

        Map<String, Integer> counted = new HashMap<>();
        assignment.owners().values().forEach(node -> counted.merge(node, 1, Integer::sum));
        Map<String, Double> shares = expectedShares(nodes, expected.size());
        for (NodeSpec node : nodes) {
            int load = counted.getOrDefault(node.nodeId(), 0);
            assertThat(assignment.sessionsOn(node.nodeId()))
                    .as("reported load of %s", node.nodeId())
                    .isEqualTo(load);
            if (!node.acceptsSessions()) {
                assertThat(load).as("sessions on non-accepting %s", node).isZero();
                continue;
            }
            double limit = Math.ceil((1 + options.epsilon()) * shares.get(node.nodeId()) - 1e-6);
            assertThat(load)
                    .as("load of %s against its hard cap", node.nodeId())
                    .isLessThanOrEqualTo(node.capacity());
            assertThat((double) load)
                    .as("load of %s against ceil((1+ε) × share %.3f)", node.nodeId(), shares.get(node.nodeId()))
                    .isLessThanOrEqualTo(Math.max(1, limit));
        }
    }

    static int movedBetween(PlacementTable before, PlacementTable after) {
        int moved = 0;
        for (Map.Entry<String, String> entry : before.owners().entrySet()) {
            String now = after.owners().get(entry.getKey());
            if (now != null && !now.equals(entry.getValue())) {
                moved++;
            }
        }
        return moved;
    }
}
