package io.wagw.router.placement;

import static io.wagw.router.placement.Clusters.assertValid;
import static io.wagw.router.placement.Clusters.movedBetween;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized properties of the placement over many fixed seeds: cluster sizes from 2 to 50 nodes and from
 * 10 to 5,000 sessions. Every failure message names its seed so it can be replayed.
 */
class PlacementPropertiesTest {
    private static final int TRIALS = 300;

    @Test
    void joiningNodeMovesAtMostTwelveTenthsOfTheIdealFraction() {
        double taken = 0;
        double ideals = 0;
        for (int seed = 0; seed < TRIALS; seed++) {
            Random random = new Random(seed);
            int n = 2 + random.nextInt(49);
            int m = sessionCount(random);
            int capacity = capacityFor(random, n + 1, m);
            List<NodeSpec> nodes = Clusters.healthy(n, capacity);
            PlacementOptions options = sizedFor(nodes);
            List<String> sessions = Clusters.sessions(random, m);
            PlacementTable before = Placement.assign(nodes, sessions, options);

            List<NodeSpec> grown = new ArrayList<>(nodes);
            grown.add(NodeSpec.active("joiner-" + seed, capacity));
            PlacementTable after = Placement.rebalance(before, grown, sessions, options);

            assertValid(after, grown, sessions, options);
            double ideal = (double) m / (n + 1);
            int moved = movedBetween(before, after);
            assertThat((double) moved)
                    .as("seed %d: N=%d, m=%d, cap=%d", seed, n, m, capacity)
                    .isLessThanOrEqualTo(1.2 * ideal);
            assertThat(after.moves()).as("seed %d", seed).hasSize(moved);
            if (ideal >= 10) {
                // Moving nothing would pass the bound above: the joiner must also really take its share.
                int joinerLoad = after.sessionsOn("joiner-" + seed);
                assertThat((double) joinerLoad).as("seed %d: joiner load", seed).isGreaterThanOrEqualTo(0.5 * ideal);
                taken += joinerLoad;
                ideals += ideal;
            }
        }
        assertThat(taken / ideals).as("share of the ideal the joiners took").isGreaterThan(0.85);
    }

    @Test
    void leavingNodeMovesOnlyItsOwnSessions() {
        for (int seed = 0; seed < TRIALS; seed++) {
            Random random = new Random(seed);
            int n = 2 + random.nextInt(49);
            int m = sessionCount(random);
            List<NodeSpec> nodes = randomCluster(random, n, m);
            PlacementOptions options = sizedFor(nodes);
            List<String> sessions = Clusters.sessions(random, m);
            PlacementTable before = Placement.assign(nodes, sessions, options);

            NodeSpec leaver = nodes.get(random.nextInt(n));
            List<NodeSpec> shrunk = new ArrayList<>(nodes);
            switch (random.nextInt(3)) {
                case 0 -> shrunk.remove(leaver);
                case 1 -> shrunk.set(shrunk.indexOf(leaver), leaver.withState(NodeState.DOWN));
                default -> shrunk.set(shrunk.indexOf(leaver), leaver.withState(NodeState.DRAINING));
            }
            PlacementTable after = Placement.rebalance(before, shrunk, sessions, options);

            assertValid(after, shrunk, sessions, options);
            for (Map.Entry<String, String> entry : before.owners().entrySet()) {
                String now = after.owners().get(entry.getKey());
                if (!entry.getValue().equals(leaver.nodeId())) {
                    assertThat(now)
                            .as("seed %d: %s of a staying node", seed, entry.getKey())
                            .isEqualTo(entry.getValue());
                }
            }
            assertThat(after.sessionsOn(leaver.nodeId())).as("seed %d", seed).isZero();
        }
    }

    @Test
    void joiningNodeOfAnyWeightMovesAtMostTwelveTenthsOfItsFairShare() {
        for (int seed = 0; seed < TRIALS; seed++) {
            Random random = new Random(1_000 + seed);
            int n = 2 + random.nextInt(49);
            int m = sessionCount(random);
            List<NodeSpec> nodes = randomCluster(random, n, m);
            PlacementOptions options = sizedFor(nodes);
            List<String> sessions = Clusters.sessions(random, m);
            PlacementTable before = Placement.assign(nodes, sessions, options);

            NodeSpec joiner =
                    new NodeSpec("joiner", nodes.get(0).capacity(), 0.3 + 0.7 * random.nextDouble(), NodeState.ACTIVE);
            List<NodeSpec> grown = new ArrayList<>(nodes);
            grown.add(joiner);
            PlacementTable after = Placement.rebalance(before, grown, sessions, options);

            assertValid(after, grown, sessions, options);
            double ideal = Clusters.expectedShares(grown, m).get("joiner");
            assertThat((double) Clusters.movedBetween(before, after))
                    .as("seed %d: N=%d, m=%d", seed, n, m)
                    .isLessThanOrEqualTo(1.2 * ideal);
        }
    }

    @Test
    void boundsHoldThroughRandomSequencesOfClusterChanges() {
        for (int seed = 0; seed < 60; seed++) {
            Random random = new Random(2_000 + seed);
            int n = 2 + random.nextInt(30);
            int m = sessionCount(random);
            List<NodeSpec> nodes = new ArrayList<>(randomCluster(random, n, m));
            PlacementOptions options = sizedFor(nodes);
            List<String> sessions = new ArrayList<>(Clusters.sessions(random, m));
            PlacementTable current = Placement.assign(nodes, sessions, options);
            assertValid(current, nodes, sessions, options);
            int joined = 0;
            for (int step = 0; step < 25; step++) {
                String event = mutate(random, nodes, sessions, m, joined++);
                PlacementTable next = Placement.rebalance(current, nodes, sessions, options);
                try {
                    assertValid(next, nodes, sessions, options);
                    assertValid(Placement.assign(nodes, sessions, options), nodes, sessions, options);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + ", step " + step + " (" + event + ")", e);
                }
                current = next;
            }
        }
    }

    @Test
    void sameInputsInAnyOrderGiveTheSameTable() {
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(3_000 + seed);
            int n = 2 + random.nextInt(49);
            int m = sessionCount(random);
            List<NodeSpec> nodes = randomCluster(random, n, m);
            PlacementOptions options = sizedFor(nodes);
            List<String> sessions = Clusters.sessions(random, m);
            PlacementTable reference = Placement.assign(nodes, sessions, options);

            List<NodeSpec> shuffledNodes = new ArrayList<>(nodes);
            Collections.shuffle(shuffledNodes, random);
            List<String> shuffledSessions = new ArrayList<>(sessions);
            shuffledSessions.addAll(sessions.subList(0, m / 3)); // duplicates count once
            Collections.shuffle(shuffledSessions, random);
            PlacementTable again = Placement.assign(shuffledNodes, shuffledSessions, options);
            assertThat(again).as("seed %d", seed).isEqualTo(reference);

            List<NodeSpec> changed = new ArrayList<>(nodes);
            changed.remove(random.nextInt(n));
            changed.add(NodeSpec.active("joiner", nodes.get(0).capacity()));
            PlacementTable viaTreeMap = Placement.rebalance(reference, changed, sessions, options);
            Collections.shuffle(changed, random);
            PlacementTable viaHashMap = Placement.rebalance(
                    new java.util.HashMap<>(reference.owners()), shuffledNodes, changed, shuffledSessions, options);
            assertThat(viaHashMap).as("seed %d", seed).isEqualTo(viaTreeMap);
        }
    }

    @Test
    void healthWeightScalesTheShareOfANodeProportionally() {
        for (double health : new double[] {0.25, 0.5, 0.75}) {
            double ratioSum = 0;
            int trials = 40;
            for (int seed = 0; seed < trials; seed++) {
                Random random = new Random(4_000 + seed);
                int n = 2 + random.nextInt(49);
                int m = n * (100 + random.nextInt(50));
                List<NodeSpec> nodes = new ArrayList<>(Clusters.healthy(n, 1_000));
                nodes.add(new NodeSpec("weighted", 1_000, health, NodeState.DEGRADED));
                PlacementOptions options = sizedFor(nodes);
                List<String> sessions = Clusters.sessions(random, m);

                PlacementTable assignment = Placement.assign(nodes, sessions, options);

                assertValid(assignment, nodes, sessions, options);
                double peerAverage = (double) (m - assignment.sessionsOn("weighted")) / n;
                ratioSum += assignment.sessionsOn("weighted") / peerAverage;
            }
            assertThat(ratioSum / trials)
                    .as("weighted/peer load at health %.2f", health)
                    .isCloseTo(health, org.assertj.core.data.Offset.offset(0.06));
        }
    }

    /** Applies one random change to the cluster or the sessions and names it. */
    private static String mutate(Random random, List<NodeSpec> nodes, List<String> sessions, int m, int serial) {
        int pick = random.nextInt(8);
        int i = random.nextInt(nodes.size());
        NodeSpec node = nodes.get(i);
        switch (pick) {
            case 0 -> {
                nodes.add(new NodeSpec("new-" + serial, node.capacity(), 1.0, NodeState.ACTIVE));
                return "join";
            }
            case 1 -> {
                if (nodes.size() > 1) {
                    nodes.remove(i);
                }
                return "leave " + node.nodeId();
            }
            case 2 -> {
                nodes.set(i, node.withState(random.nextBoolean() ? NodeState.DOWN : NodeState.DRAINING));
                return "down/drain " + node.nodeId();
            }
            case 3 -> {
                nodes.set(i, new NodeSpec(node.nodeId(), node.capacity(), 1.0, NodeState.ACTIVE));
                return "recover " + node.nodeId();
            }
            case 4 -> {
                double health = random.nextDouble();
                nodes.set(
                        i,
                        new NodeSpec(
                                node.nodeId(),
                                node.capacity(),
                                health,
                                health < 0.75 ? NodeState.DEGRADED : NodeState.ACTIVE));
                return "health " + node.nodeId();
            }
            case 5 -> {
                nodes.set(
                        i,
                        new NodeSpec(
                                node.nodeId(),
                                Math.max(0, node.capacity() / 2 + random.nextInt(node.capacity() + 2)),
                                node.healthWeight(),
                                node.state()));
                return "capacity " + node.nodeId();
            }
            case 6 -> {
                sessions.addAll(Clusters.sessions(random, 1 + random.nextInt(Math.max(1, m / 5))));
                List<String> unique = new ArrayList<>(new java.util.LinkedHashSet<>(sessions));
                sessions.clear();
                sessions.addAll(unique);
                return "sessions added";
            }
            default -> {
                int remove = random.nextInt(sessions.size() / 4 + 1);
                for (int k = 0; k < remove && !sessions.isEmpty(); k++) {
                    sessions.remove(random.nextInt(sessions.size()));
                }
                return "sessions removed";
            }
        }
    }

    /** Default options with the reference capacity set to the cluster's median, as production configures it. */
    private static PlacementOptions sizedFor(List<NodeSpec> nodes) {
        int[] capacities = nodes.stream().mapToInt(NodeSpec::capacity).sorted().toArray();
        PlacementOptions defaults = PlacementOptions.defaults();
        return new PlacementOptions(
                defaults.epsilon(), defaults.virtualNodes(), Math.max(1, capacities[capacities.length / 2]));
    }

    private static int sessionCount(Random random) {
        // Log-uniform between 10 and 5,000 so small clusters of a few sessions are tested as often as big ones.
        return (int) Math.round(Math.exp(Math.log(10) + random.nextDouble() * (Math.log(5_000) - Math.log(10))));
    }

    /** Either roomy (twice the average) or tight (the (1+ε) bound barely fits) per-node capacity. */
    private static int capacityFor(Random random, int nodes, int sessions) {
        double average = (double) sessions / nodes;
        return (int) Math.ceil(average * (random.nextBoolean() ? 2.0 : 1.1)) + 1;
    }

    private static List<NodeSpec> randomCluster(Random random, int n, int m) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int capacity = capacityFor(random, n - 1, m) * (1 + random.nextInt(3)) / 2 + 1;
            double health = random.nextInt(4) == 0 ? 0.2 + 0.8 * random.nextDouble() : 1.0;
            NodeState state = health < 0.75 ? NodeState.DEGRADED : NodeState.ACTIVE;
            nodes.add(new NodeSpec(Clusters.nodeId(i), capacity, health, state));
        }
        Collections.shuffle(nodes, random);
        return nodes;
    }
}
