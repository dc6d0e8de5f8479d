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
    private static final PlacementOptions OPTIONS = PlacementOptions.defaults();
    private static final int TRIALS = 300;

    @Test
    void joiningNodeMovesAtMostTwelveTenthsOfTheIdealFraction() {
        double worst = 0;
        for (int seed = 0; seed < TRIALS; seed++) {
            Random random = new Random(seed);
            int n = 2 + random.nextInt(49);
            int m = sessionCount(random);
            int capacity = capacityFor(random, n + 1, m);
            List<NodeSpec> nodes = Clusters.healthy(n, capacity);
            List<String> sessions = Clusters.sessions(random, m);
            Assignment before = Placement.assign(nodes, sessions, OPTIONS);

            List<NodeSpec> grown = new ArrayList<>(nodes);
            grown.add(NodeSpec.active("joiner-" + seed, capacity));
            Assignment after = Placement.rebalance(before, grown, sessions, OPTIONS);

            assertValid(after, grown, sessions, OPTIONS);
            double ideal = (double) m / (n + 1);
            int moved = movedBetween(before, after);
            worst = Math.max(worst, moved / ideal);
            assertThat((double) moved).as("seed %d: N=%d, m=%d, cap=%d", seed, n, m, capacity)
                    .isLessThanOrEqualTo(1.2 * ideal);
            assertThat(after.moves()).as("seed %d", seed).hasSize(moved);
        }
        System.out.printf("join: worst moved/ideal %.3f%n", worst);
    }

    @Test
    void leavingNodeMovesOnlyItsOwnSessions() {
        for (int seed = 0; seed < TRIALS; seed++) {
            Random random = new Random(seed);
            int n = 2 + random.nextInt(49);
            int m = sessionCount(random);
            List<NodeSpec> nodes = randomCluster(random, n, m);
            List<String> sessions = Clusters.sessions(random, m);
            Assignment before = Placement.assign(nodes, sessions, OPTIONS);

            NodeSpec leaver = nodes.get(random.nextInt(n));
            List<NodeSpec> shrunk = new ArrayList<>(nodes);
            switch (random.nextInt(3)) {
                case 0 -> shrunk.remove(leaver);
                case 1 -> shrunk.set(shrunk.indexOf(leaver), leaver.withState(NodeState.DOWN));
                default -> shrunk.set(shrunk.indexOf(leaver), leaver.withState(NodeState.DRAINING));
            }
            Assignment after = Placement.rebalance(before, shrunk, sessions, OPTIONS);

            assertValid(after, shrunk, sessions, OPTIONS);
            for (Map.Entry<String, String> entry : before.owners().entrySet()) {
                String now = after.owners().get(entry.getKey());
                if (!entry.getValue().equals(leaver.nodeId())) {
                    assertThat(now).as("seed %d: %s of a staying node", seed, entry.getKey()).isEqualTo(entry.getValue());
                }
            }
            assertThat(after.sessionsOn(leaver.nodeId())).as("seed %d", seed).isZero();
        }
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
