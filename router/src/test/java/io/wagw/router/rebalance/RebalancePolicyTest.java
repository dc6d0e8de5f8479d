package io.wagw.router.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.router.placement.NodeLoad;
import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import io.wagw.router.placement.PlacementTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebalancePolicyTest {
    private final FakeClock clock = new FakeClock();
    private final RebalancePolicy policy = new RebalancePolicy(new PolicyOptions(3, Duration.ofSeconds(30), 1));
    private final List<MoveRecord> records = new ArrayList<>();

    /** A desired placement by hand: {@code owners} on the given nodes (the policy only reads owners and nodes). */
    private static PlacementTable desired(Map<String, String> owners, NodeSpec... nodes) {
        List<NodeLoad> loads = new ArrayList<>();
        for (NodeSpec node : nodes) {
            int held =
                    (int) owners.values().stream().filter(node.nodeId()::equals).count();
            loads.add(new NodeLoad(node.nodeId(), held, held, node.capacity()));
        }
        return new PlacementTable(owners, loads, List.of(), List.of(nodes), List.of());
    }

    private static Map<String, String> table(String node, int count, String prefix) {
        Map<String, String> table = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            table.put(prefix + i, node);
        }
        return table;
    }

    private static Map<String, String> retarget(Map<String, String> table, String to) {
        Map<String, String> moved = new LinkedHashMap<>();
        table.keySet().forEach(session -> moved.put(session, to));
        return moved;
    }

    private MovePlan planAndStart(
            Map<String, String> current, PlacementTable desired, Map<String, HealthTimeline> timelines) {
        MovePlan plan = policy.plan(current, desired, timelines, records, clock.now());
        for (PlannedMove move : plan.moves()) {
            records.add(MoveRecord.started(move, clock.now()));
            current.put(move.session(), move.to());
        }
        return plan;
    }

    private void finishAll() {
        records.replaceAll(MoveRecord::markFinished);
    }

    @Test
    void sessionsOfADownNodeFailOverAtOnceWithoutPacing() {
        NodeSpec down = NodeSpec.active("a", 40).withState(NodeState.DOWN);
        NodeSpec survivor = NodeSpec.active("b", 40);
        Map<String, String> current = table("a", 30, "s");

        MovePlan plan = planAndStart(current, desired(retarget(current, "b"), down, survivor), Map.of());

        assertThat(plan.moves())
                .hasSize(30)
                .allSatisfy(move -> assertThat(move.kind()).isEqualTo(MoveKind.FAILOVER));
        assertThat(plan.deferred()).isEmpty();
    }

    @Test
    void rebalancingWaitsAMinuteAfterAFailoverWhileFailoversProceed() {
        NodeSpec down = NodeSpec.active("a", 40).withState(NodeState.DOWN);
        NodeSpec b = NodeSpec.active("b", 40);
        NodeSpec c = NodeSpec.active("c", 40);
        Map<String, String> current = table("a", 2, "f");
        current.putAll(table("b", 2, "r"));
        Map<String, String> owners = retarget(table("a", 2, "f"), "c");
        owners.putAll(retarget(table("b", 2, "r"), "c")); // the desired spread also wants b's sessions on c

        MovePlan atFailure = planAndStart(current, desired(owners, down, b, c), Map.of());
        finishAll();
        clock.advance(Duration.ofSeconds(30));
        // the dead node is forgotten by now; only the records remember the failover
        MovePlan halfAMinuteLater = planAndStart(current, desired(owners, b, c), Map.of());
        clock.advance(Duration.ofSeconds(31));
        MovePlan aMinuteLater = planAndStart(current, desired(owners, b, c), Map.of());

        assertThat(atFailure.moves())
                .hasSize(2)
                .allSatisfy(m -> assertThat(m.kind()).isEqualTo(MoveKind.FAILOVER));
        assertThat(atFailure.deferred()).hasSize(2).extracting(Deferral::reason).containsOnly(DeferReason.SETTLING);
        assertThat(halfAMinuteLater.moves()).isEmpty();
        assertThat(halfAMinuteLater.deferred()).extracting(Deferral::reason).containsOnly(DeferReason.SETTLING);
        assertThat(aMinuteLater.moves())
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.kind()).isEqualTo(MoveKind.REBALANCE));
    }

    @Test
    void drainingNodeHandsItsSessionsOverOneByOneWithinTheRateLimit() {
        NodeSpec draining = NodeSpec.active("a", 10).withState(NodeState.DRAINING);
        NodeSpec b = NodeSpec.active("b", 10);
        Map<String, String> current = table("a", 5, "s");
        PlacementTable desired = desired(retarget(current, "b"), draining, b);

        List<Integer> movesPerRound = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            movesPerRound.add(planAndStart(current, desired, Map.of()).moves().size());
            finishAll();
            clock.advance(Duration.ofSeconds(2));
        }
        MovePlan limited = planAndStart(current, desired, Map.of());
        clock.advance(Duration.ofSeconds(60));
        MovePlan nextMinute = planAndStart(current, desired, Map.of());

        // One per round while each finishes in time, three per minute (K = 3), then the rest a minute later.
        assertThat(movesPerRound).containsExactly(1, 1, 1, 0, 0);
        assertThat(limited.deferred()).extracting(Deferral::reason).containsOnly(DeferReason.RATE_LIMIT);
        assertThat(nextMinute.moves())
                .singleElement()
                .satisfies(move -> assertThat(move.kind()).isEqualTo(MoveKind.DRAIN));
    }

    @Test
    void secondDrainMoveWaitsWhileTheFirstIsInFlight() {
        NodeSpec draining = NodeSpec.active("a", 10).withState(NodeState.DRAINING);
        Map<String, String> current = table("a", 4, "s");
        PlacementTable desired = desired(retarget(current, "b"), draining, NodeSpec.active("b", 10));

        MovePlan first = planAndStart(current, desired, Map.of());
        clock.advance(Duration.ofSeconds(2));
        MovePlan whileMoving = planAndStart(current, desired, Map.of());

        assertThat(first.moves()).hasSize(1);
        assertThat(whileMoving.moves()).isEmpty();
        assertThat(whileMoving.deferred())
                .hasSize(3)
                .extracting(Deferral::reason)
                .containsOnly(DeferReason.IN_FLIGHT);
    }

    @Test
    void sessionsLeaveAnUnhealthyNodeOnlyAfterTheGracePeriod() {
        NodeSpec sick = new NodeSpec("a", 10, 0.4, NodeState.DEGRADED);
        NodeSpec b = NodeSpec.active("b", 10);
        Map<String, String> current = table("a", 2, "s");
        PlacementTable desired = desired(retarget(current, "b"), sick, b);
        Map<String, HealthTimeline> timelines = RebalancePolicy.observe(Map.of(), List.of(sick, b), clock.now());

        clock.advance(Duration.ofSeconds(29));
        MovePlan early = planAndStart(current, desired, timelines);
        clock.advance(Duration.ofSeconds(1));
        MovePlan due = planAndStart(current, desired, timelines);

        assertThat(early.moves()).isEmpty();
        assertThat(early.deferred()).extracting(Deferral::reason).containsOnly(DeferReason.GRACE);
        assertThat(due.moves())
                .singleElement()
                .satisfies(move -> assertThat(move.kind()).isEqualTo(MoveKind.HEALTH));
    }

    @Test
    void sessionsStayOnAnUnhealthyNodeWhenTheTargetIsNotClearlyHealthier() {
        NodeSpec sick = new NodeSpec("a", 10, 0.5, NodeState.DEGRADED);
        NodeSpec alsoLoaded = new NodeSpec("b", 10, 0.6, NodeState.DEGRADED);
        NodeSpec fine = new NodeSpec("b", 10, 0.5 + RebalancePolicy.HEALTH_MARGIN, NodeState.ACTIVE);
        Map<String, String> current = table("a", 2, "s");
        Map<String, HealthTimeline> timelines =
                RebalancePolicy.observe(Map.of(), List.of(sick, alsoLoaded), clock.now());
        clock.advance(Duration.ofSeconds(60));

        MovePlan bothLoaded = planAndStart(current, desired(retarget(current, "b"), sick, alsoLoaded), timelines);
        MovePlan targetRecovered = planAndStart(current, desired(retarget(current, "b"), sick, fine), timelines);

        assertThat(bothLoaded.moves()).isEmpty();
        assertThat(bothLoaded.deferred()).extracting(Deferral::reason).containsOnly(DeferReason.TARGET_NOT_HEALTHIER);
        assertThat(targetRecovered.moves())
                .singleElement()
                .satisfies(move -> assertThat(move.kind()).isEqualTo(MoveKind.HEALTH));
    }

    @Test
    void flappingNodeKeepsItsSessionsBecauseEachRecoveryRestartsTheGracePeriod() {
        NodeSpec healthy = NodeSpec.active("a", 10);
        NodeSpec sick = new NodeSpec("a", 10, 0.5, NodeState.DEGRADED);
        NodeSpec b = NodeSpec.active("b", 10);
        Map<String, String> current = table("a", 3, "s");
        Map<String, HealthTimeline> timelines = RebalancePolicy.observe(Map.of(), List.of(healthy, b), clock.now());

        int moved = 0;
        for (int second = 0; second < 300; second += 2) {
            boolean isSick = (second / 20) % 2 == 0; // 20 s sick, 20 s well, ...
            NodeSpec a = isSick ? sick : healthy;
            timelines = RebalancePolicy.observe(timelines, List.of(a, b), clock.now());
            // While sick the desired placement wants the sessions off "a"; while well, where they are.
            PlacementTable desired = desired(isSick ? retarget(current, "b") : new LinkedHashMap<>(current), a, b);
            moved += planAndStart(current, desired, timelines).moves().size();
            clock.advance(Duration.ofSeconds(2));
        }

        assertThat(moved).isZero();
        assertThat(current.values()).containsOnly("a");
    }

    @Test
    void movesOntoANodeCountTowardItsLimitLikeMovesOffIt() {
        PolicyOptions options = new PolicyOptions(6, Duration.ofSeconds(30), 100);
        RebalancePolicy generous = new RebalancePolicy(options);
        List<NodeSpec> nodes = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int n = 0; n < 10; n++) {
            nodes.add(NodeSpec.active("old-" + n, 50));
            for (int s = 0; s < 2; s++) {
                current.put("s" + n + "-" + s, "old-" + n);
                wanted.put("s" + n + "-" + s, "joiner");
            }
        }
        nodes.add(NodeSpec.active("joiner", 50));
        PlacementTable desired = desired(wanted, nodes.toArray(NodeSpec[]::new));

        MovePlan first = generous.plan(current, desired, Map.of(), records, clock.now());
        first.moves()
                .forEach(move ->
                        records.add(MoveRecord.started(move, clock.now()).markFinished()));
        clock.advance(Duration.ofSeconds(59));
        MovePlan sameMinute = generous.plan(current, desired, Map.of(), records, clock.now());
        clock.advance(Duration.ofSeconds(1));
        MovePlan nextMinute = generous.plan(current, desired, Map.of(), records, clock.now());

        assertThat(first.moves())
                .hasSize(6)
                .allSatisfy(move -> assertThat(move.kind()).isEqualTo(MoveKind.REBALANCE));
        assertThat(sameMinute.moves()).isEmpty();
        assertThat(nextMinute.moves()).hasSize(6);
    }

    @Test
    void failoversCountTowardTheTargetsMinute() {
        NodeSpec down = NodeSpec.active("a", 10).withState(NodeState.DOWN);
        NodeSpec b = NodeSpec.active("b", 10);
        // a drain, not a rebalance: rebalancing waits out the minute after a failover anyway (SETTLING)
        NodeSpec c = NodeSpec.active("c", 10).withState(NodeState.DRAINING);
        Map<String, String> current = table("a", 3, "f");
        current.put("r0", "c");
        Map<String, String> wanted = retarget(current, "b");

        MovePlan plan = planAndStart(current, desired(wanted, down, b, c), Map.of());

        assertThat(plan.moves())
                .extracting(PlannedMove::kind)
                .containsExactly(MoveKind.FAILOVER, MoveKind.FAILOVER, MoveKind.FAILOVER);
        assertThat(plan.deferred()).singleElement().satisfies(deferral -> {
            assertThat(deferral.session()).isEqualTo("r0");
            assertThat(deferral.reason()).isEqualTo(DeferReason.RATE_LIMIT);
        });
    }

    @Test
    void noMoveOrStartFillsANodeBeyondItsCapacity() {
        NodeSpec down = NodeSpec.active("a", 10).withState(NodeState.DOWN);
        NodeSpec small = NodeSpec.active("b", 2);
        Map<String, String> current = table("a", 3, "s");
        Map<String, String> wanted = retarget(current, "b");
        wanted.put("new", "b");

        MovePlan plan = planAndStart(current, desired(wanted, down, small), Map.of());

        assertThat(plan.moves()).hasSize(2);
        assertThat(plan.deferred())
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo(DeferReason.TARGET_FULL));
        assertThat(plan.starts()).isEmpty();
        assertThat(plan.startsWaiting()).containsExactly(new Start("new", "b"));
    }

    @Test
    void newSessionsStartAtOnceAndAreNotCountedAsMoves() {
        NodeSpec a = NodeSpec.active("a", 10);
        Map<String, String> wanted = table("a", 5, "n");

        MovePlan plan = planAndStart(new LinkedHashMap<>(), desired(wanted, a), Map.of());

        assertThat(plan.starts()).hasSize(5);
        assertThat(plan.moves()).isEmpty();
        assertThat(records).isEmpty();
    }

    @Test
    void placementViewHidesADipShorterThanTheGracePeriod() {
        NodeSpec sick = new NodeSpec("a", 10, 0.5, NodeState.DEGRADED);
        NodeSpec down = NodeSpec.active("b", 10).withState(NodeState.DOWN);
        Map<String, HealthTimeline> timelines = RebalancePolicy.observe(Map.of(), List.of(sick, down), clock.now());

        List<NodeSpec> early =
                policy.placementView(List.of(sick, down), timelines, clock.advance(Duration.ofSeconds(29)));
        List<NodeSpec> late =
                policy.placementView(List.of(sick, down), timelines, clock.advance(Duration.ofSeconds(1)));

        assertThat(early).containsExactly(NodeSpec.active("a", 10), down);
        assertThat(late).containsExactly(sick, down);
    }

    @Test
    void timelineRestartsWhenHealthFlips() {
        NodeSpec healthy = NodeSpec.active("a", 10);
        NodeSpec dipped = healthy.withHealthWeight(0.9);
        HealthTimeline timeline = HealthTimeline.first(healthy, clock.now());

        HealthTimeline unhealthy = timeline.observe(dipped, clock.advance(Duration.ofSeconds(5)));
        HealthTimeline still =
                unhealthy.observe(new NodeSpec("a", 10, 0.3, NodeState.DEGRADED), clock.advance(Duration.ofSeconds(5)));

        assertThat(timeline.unhealthy()).isFalse();
        assertThat(unhealthy.unhealthy()).isTrue();
        assertThat(still).isSameAs(unhealthy);
        assertThat(still.unhealthyFor(Duration.ofSeconds(5), clock.now())).isTrue();
        assertThat(still.unhealthyFor(Duration.ofSeconds(6), clock.now())).isFalse();
    }
}
