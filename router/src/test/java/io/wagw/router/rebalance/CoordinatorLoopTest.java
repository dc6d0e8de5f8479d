package io.wagw.router.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import io.wagw.router.placement.Placement;
import io.wagw.router.placement.PlacementOptions;
import io.wagw.router.placement.PlacementTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's loop as the Hazelcast layer will run it, with the I/O replaced by maps: every 2 s observe
 * health, recompute the desired placement from the previous one, plan, start the planned moves; a move finishes
 * 4 s after it started.
 */
class CoordinatorLoopTest {
    private static final Duration ROUND = Duration.ofSeconds(2);
    private static final Duration HAND_OVER = Duration.ofSeconds(4);
    private static final PolicyOptions POLICY = new PolicyOptions(6, Duration.ofSeconds(30), 1);
    private static final PlacementOptions PLACEMENT = new PlacementOptions(0.25, 160, 50);

    private final FakeClock clock = new FakeClock();
    private final RebalancePolicy policy = new RebalancePolicy(POLICY);
    private final List<String> sessions = new ArrayList<>();
    private final Map<String, String> table = new LinkedHashMap<>();
    private final List<MoveRecord> records = new ArrayList<>();
    private final List<MoveRecord> history = new ArrayList<>();
    private Map<String, HealthTimeline> timelines = Map.of();
    private PlacementTable desired = PlacementTable.empty();

    private static List<NodeSpec> healthy() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(NodeSpec.active("node-" + i, 50));
        }
        return nodes;
    }

    /** Runs rounds for {@code duration}; {@code cluster} gives the node specs at each second since the start. */
    private void run(Duration duration, Function<Long, List<NodeSpec>> cluster) {
        Instant start = clock.now();
        while (clock.now().isBefore(start.plus(duration))) {
            Instant now = clock.now();
            records.replaceAll(
                    r -> !r.finished() && !r.startedAt().plus(HAND_OVER).isAfter(now) ? r.markFinished() : r);
            records.removeIf(r -> r.finished() && !r.startedAt().isAfter(now.minus(PolicyOptions.WINDOW)));
            List<NodeSpec> specs = cluster.apply(Duration.between(start, now).toSeconds());
            timelines = RebalancePolicy.observe(timelines, specs, now);
            desired = Placement.rebalance(desired, policy.placementView(specs, timelines, now), sessions, PLACEMENT);
            MovePlan plan = policy.plan(table, desired, timelines, records, now);
            plan.starts().forEach(s -> table.put(s.session(), s.node()));
            for (PlannedMove move : plan.moves()) {
                MoveRecord record = MoveRecord.started(move, now);
                records.add(record);
                history.add(record);
                table.put(move.session(), move.to());
            }
            clock.advance(ROUND);
        }
    }

    private void startCluster() {
        for (int i = 0; i < 120; i++) {
            sessions.add("tenant-" + (i % 9) + "/line-" + i);
        }
        run(Duration.ofSeconds(10), t -> healthy());
        assertThat(table).hasSize(120);
        history.clear();
    }

    private int onNode(String node) {
        return (int) table.values().stream().filter(node::equals).count();
    }

    private static List<NodeSpec> with(NodeSpec replacement) {
        List<NodeSpec> nodes = healthy();
        nodes.replaceAll(n -> n.nodeId().equals(replacement.nodeId()) ? replacement : n);
        return nodes;
    }

    /** Most moves started in any 60 s window that touch one node. */
    private int busiestMinute() {
        int worst = 0;
        for (MoveRecord first : history) {
            for (String node : List.of(first.from(), first.to())) {
                int count = (int) history.stream()
                        .filter(r -> !r.startedAt().isBefore(first.startedAt())
                                && r.startedAt().isBefore(first.startedAt().plus(PolicyOptions.WINDOW)))
                        .filter(r -> r.from().equals(node) || r.to().equals(node))
                        .count();
                worst = Math.max(worst, count);
            }
        }
        return worst;
    }

    @Test
    void aDipShorterThanTheGracePeriodMovesNothing() {
        startCluster();
        NodeSpec sick = new NodeSpec("node-1", 50, 0.3, NodeState.DEGRADED);

        run(Duration.ofMinutes(3), t -> t >= 10 && t < 30 ? with(sick) : healthy());

        assertThat(history).isEmpty();
    }

    @Test
    void aLastingIllnessMovesSessionsAfterTheGracePeriodAtTheAllowedPace() {
        startCluster();
        int before = onNode("node-1");
        NodeSpec sick = new NodeSpec("node-1", 50, 0.3, NodeState.DEGRADED);

        run(Duration.ofMinutes(5), t -> t >= 10 ? with(sick) : healthy());

        Instant illness = history.isEmpty() ? clock.now() : history.getFirst().startedAt();
        assertThat(history).isNotEmpty().allSatisfy(r -> assertThat(r.from()).isEqualTo("node-1"));
        assertThat(Duration.between(clock.now().minus(Duration.ofMinutes(5)).plusSeconds(10), illness))
                .isGreaterThanOrEqualTo(POLICY.unhealthyGrace());
        assertThat(busiestMinute()).isLessThanOrEqualTo(POLICY.maxMovesPerNodePerMinute());
        // Weight 0.3 against three healthy peers: share 120 × 0.3 / 3.3 ≈ 10.9, bound ceil(1.25 × 10.9) = 14.
        assertThat(onNode("node-1")).isLessThan(before).isLessThanOrEqualTo(14);
        assertThat(table).isEqualTo(desired.owners());
    }

    @Test
    void aDrainingNodeEmptiesOneSessionAtATime() {
        startCluster();
        int toMove = onNode("node-2");
        NodeSpec draining = NodeSpec.active("node-2", 50).withState(NodeState.DRAINING);

        run(Duration.ofMinutes(10), t -> with(draining));

        assertThat(onNode("node-2")).isZero();
        assertThat(history).hasSize(toMove).allSatisfy(r -> assertThat(r.from()).isEqualTo("node-2"));
        for (int i = 1; i < history.size(); i++) {
            // the next hand-over starts only after the previous one finished
            assertThat(history.get(i).startedAt())
                    .isAfterOrEqualTo(history.get(i - 1).startedAt().plus(HAND_OVER));
        }
        assertThat(busiestMinute()).isLessThanOrEqualTo(POLICY.maxMovesPerNodePerMinute());
    }

    @Test
    void aDeadNodesSessionsAllMoveInTheFirstRound() {
        startCluster();
        int lost = onNode("node-3");
        NodeSpec dead = NodeSpec.active("node-3", 50).withState(NodeState.DOWN);
        Instant death = clock.now();

        run(Duration.ofSeconds(30), t -> with(dead));

        assertThat(history).hasSize(lost).allSatisfy(r -> {
            assertThat(r.from()).isEqualTo("node-3");
            assertThat(r.startedAt()).isEqualTo(death);
        });
        assertThat(onNode("node-3")).isZero();
    }

    @Test
    void aJoiningNodeFillsUpAtTheAllowedPace() {
        startCluster();
        List<NodeSpec> grown = healthy();
        grown.add(NodeSpec.active("node-4", 50));

        run(Duration.ofMinutes(10), t -> grown);

        // Fair share 24: the joiner ends near it, having taken at most K per minute.
        assertThat(onNode("node-4")).isBetween(18, 24);
        assertThat(history).allSatisfy(r -> assertThat(r.to()).isEqualTo("node-4"));
        assertThat(busiestMinute()).isLessThanOrEqualTo(POLICY.maxMovesPerNodePerMinute());
        assertThat(table).isEqualTo(desired.owners());
    }
}
