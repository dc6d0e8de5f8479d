package io.wagw.router.placement;

import static io.wagw.router.placement.Clusters.assertValid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final PlacementOptions OPTIONS = PlacementOptions.defaults();

    @Test
    void placesEverySessionWithinTheBoundOnEqualNodes() {
        List<NodeSpec> nodes = Clusters.healthy(5, 1_000);
        List<String> sessions = Clusters.numbered(1_000);

        PlacementTable assignment = Placement.assign(nodes, sessions, OPTIONS);

        assertValid(assignment, nodes, sessions, OPTIONS);
        assertThat(assignment.owners()).hasSize(1_000);
        // ceil((1 + 0.25) × 1000 / 5) = 250
        assertThat(assignment.loads())
                .allSatisfy(load -> assertThat(load.sessions()).isBetween(1, 250));
        assertThat(assignment.loads()).extracting(NodeLoad::bound).containsOnly(250);
        assertThat(assignment.moves()).isEmpty();
    }

    @Test
    void hardCapWinsOverTheSlackBoundAndTheRestGoesToBiggerNodes() {
        List<NodeSpec> nodes =
                List.of(NodeSpec.active("small", 10), NodeSpec.active("big-1", 500), NodeSpec.active("big-2", 500));
        List<String> sessions = Clusters.numbered(300);

        PlacementTable assignment = Placement.assign(nodes, sessions, OPTIONS);

        assertValid(assignment, nodes, sessions, OPTIONS);
        assertThat(assignment.sessionsOn("small")).isLessThanOrEqualTo(10);
        assertThat(assignment.unplaced()).isEmpty();
    }

    @Test
    void reportsUnplacedSessionsInsteadOfFailingWhenCapacityIsShort() {
        List<NodeSpec> nodes = Clusters.healthy(3, 10);
        List<String> sessions = Clusters.numbered(40);

        PlacementTable assignment = Placement.assign(nodes, sessions, OPTIONS);

        assertThat(assignment.owners()).hasSize(30);
        assertThat(assignment.unplaced())
                .hasSize(10)
                .doesNotContainAnyElementsOf(assignment.owners().keySet());
        assertThat(assignment.loads()).extracting(NodeLoad::sessions).containsOnly(10);
    }

    @Test
    void emptyClusterLeavesEverySessionUnplaced() {
        PlacementTable assignment = Placement.assign(List.of(), List.of("a", "b"), OPTIONS);

        assertThat(assignment.owners()).isEmpty();
        assertThat(assignment.unplaced()).containsExactly("a", "b");
    }

    @Test
    void drainingAndDownNodesGetNoNewSessions() {
        List<NodeSpec> nodes = List.of(
                NodeSpec.active("a", 100),
                NodeSpec.active("b", 100).withState(NodeState.DRAINING),
                NodeSpec.active("c", 100).withState(NodeState.DOWN),
                NodeSpec.active("d", 100));
        List<String> sessions = Clusters.numbered(120);

        PlacementTable assignment = Placement.assign(nodes, sessions, OPTIONS);

        assertValid(assignment, nodes, sessions, OPTIONS);
        assertThat(assignment.owners().values()).containsOnly("a", "d");
    }

    @Test
    void downNodeKeepsNoneAndOnlyItsSessionsMove() {
        List<NodeSpec> nodes = Clusters.healthy(4, 100);
        List<String> sessions = Clusters.numbered(200);
        PlacementTable before = Placement.assign(nodes, sessions, OPTIONS);
        List<NodeSpec> after = new ArrayList<>(nodes);
        after.set(2, nodes.get(2).withState(NodeState.DOWN));

        PlacementTable rebalanced = Placement.rebalance(before, after, sessions, OPTIONS);

        assertValid(rebalanced, after, sessions, OPTIONS);
        assertThat(rebalanced.sessionsOn("node-2")).isZero();
        assertThat(rebalanced.moves()).hasSize(before.sessionsOn("node-2")).allSatisfy(move -> {
            assertThat(move.from()).isEqualTo("node-2");
            assertThat(move.reason()).isEqualTo(MoveReason.NODE_DOWN);
        });
    }

    @Test
    void drainingNodeSessionsAreAllMovedWithTheDrainingReason() {
        List<NodeSpec> nodes = Clusters.healthy(3, 100);
        List<String> sessions = Clusters.numbered(90);
        PlacementTable before = Placement.assign(nodes, sessions, OPTIONS);
        List<NodeSpec> after = List.of(nodes.get(0), nodes.get(1).withState(NodeState.DRAINING), nodes.get(2));

        PlacementTable rebalanced = Placement.rebalance(before, after, sessions, OPTIONS);

        assertThat(rebalanced.sessionsOn("node-1")).isZero();
        assertThat(rebalanced.moves())
                .isNotEmpty()
                .allSatisfy(move -> assertThat(move.reason()).isEqualTo(MoveReason.NODE_DRAINING));
    }

    @Test
    void unchangedInputsMoveNothing() {
        List<NodeSpec> nodes = Clusters.healthy(7, 60);
        List<String> sessions = Clusters.numbered(300);
        PlacementTable before = Placement.assign(nodes, sessions, OPTIONS);

        PlacementTable again = Placement.rebalance(before, nodes, sessions, OPTIONS);

        assertThat(again.moves()).isEmpty();
        assertThat(again.owners()).isEqualTo(before.owners());
    }

    @Test
    void joiningNodeTakesAboutItsFairShareFromEveryone() {
        List<NodeSpec> nodes = Clusters.healthy(3, 1_000);
        List<String> sessions = Clusters.numbered(1_200);
        PlacementTable before = Placement.assign(nodes, sessions, OPTIONS);
        List<NodeSpec> grown = new ArrayList<>(nodes);
        grown.add(NodeSpec.active("node-3", 1_000));

        PlacementTable after = Placement.rebalance(before, grown, sessions, OPTIONS);

        assertValid(after, grown, sessions, OPTIONS);
        // Fair share 300: the joiner takes between 80 % and 100 % of it, and every move goes to it.
        assertThat(after.sessionsOn("node-3")).isBetween(240, 300);
        assertThat(after.moves())
                .hasSize(after.sessionsOn("node-3"))
                .allSatisfy(move -> assertThat(move.to()).isEqualTo("node-3"));
        assertThat(after.moves()).extracting(Move::from).contains("node-0", "node-1", "node-2");
    }

    @Test
    void recoveredNodeGetsSessionsBack() {
        List<NodeSpec> nodes = Clusters.healthy(4, 500);
        List<String> sessions = Clusters.numbered(800);
        PlacementTable healthy = Placement.assign(nodes, sessions, OPTIONS);
        List<NodeSpec> withDown = new ArrayList<>(nodes);
        withDown.set(1, nodes.get(1).withState(NodeState.DOWN));
        PlacementTable degraded = Placement.rebalance(healthy, withDown, sessions, OPTIONS);

        PlacementTable recovered = Placement.rebalance(degraded, nodes, sessions, OPTIONS);

        assertThat(degraded.sessionsOn("node-1")).isZero();
        assertThat(recovered.sessionsOn("node-1")).isBetween(160, 200);
        assertThat(recovered.moves())
                .allSatisfy(move -> assertThat(move.reason()).isEqualTo(MoveReason.REBALANCE));
    }

    @Test
    void halfHealthNodeGetsAboutHalfAPeersShare() {
        List<NodeSpec> nodes = new ArrayList<>(Clusters.healthy(9, 1_000));
        nodes.add(new NodeSpec("sick", 1_000, 0.5, NodeState.DEGRADED));
        List<String> sessions = Clusters.numbered(4_750);

        PlacementTable assignment = Placement.assign(nodes, sessions, OPTIONS);

        assertValid(assignment, nodes, sessions, OPTIONS);
        // Weights 9 × 1 + 0.5: the sick node's share is 4750 × 0.5 / 9.5 = 250, a peer's 500.
        assertThat(assignment.load("sick").orElseThrow().fairShare())
                .isCloseTo(250.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(assignment.sessionsOn("sick")).isBetween(200, 282);
    }

    @Test
    void loweredHealthShedsSessionsDownToTheNewBound() {
        List<NodeSpec> nodes = Clusters.healthy(4, 1_000);
        List<String> sessions = Clusters.numbered(2_000);
        PlacementTable before = Placement.assign(nodes, sessions, OPTIONS);
        List<NodeSpec> sick = new ArrayList<>(nodes);
        sick.set(0, new NodeSpec("node-0", 1_000, 0.25, NodeState.DEGRADED));

        PlacementTable after = Placement.rebalance(before, sick, sessions, OPTIONS);

        assertValid(after, sick, sessions, OPTIONS);
        int bound = after.load("node-0").orElseThrow().bound();
        assertThat(bound).isEqualTo((int) Math.ceil(1.25 * 2_000 * 0.25 / 3.25));
        assertThat(after.sessionsOn("node-0")).isEqualTo(bound);
        assertThat(after.moves()).allSatisfy(move -> {
            assertThat(move.from()).isEqualTo("node-0");
            assertThat(move.reason()).isEqualTo(MoveReason.OVER_BOUND);
        });
    }

    @Test
    void barePreviousTableWithCurrentNodesMovesOnlyWhatMust() {
        List<NodeSpec> nodes = Clusters.healthy(20, 100);
        List<String> sessions = Clusters.numbered(1_000);
        Map<String, String> table = Placement.assign(nodes, sessions, OPTIONS).owners();
        List<NodeSpec> grown = new ArrayList<>(nodes);
        grown.add(NodeSpec.active("node-20", 100));

        // Without the previous node specs no ring point counts as new; the join lowers the bound from 63 to 60,
        // which the loads (at most the target, ceil(1.125 × 50) = 57) already respect.
        PlacementTable after = Placement.rebalance(table, grown, grown, sessions, OPTIONS);

        assertThat(after.moves()).isEmpty();
        assertThat(after.sessionsOn("node-20")).isZero();
    }

    @Test
    void newSessionsArePlacedAndRemovedOnesDropped() {
        List<NodeSpec> nodes = Clusters.healthy(3, 100);
        List<String> sessions = Clusters.numbered(60);
        PlacementTable before = Placement.assign(nodes, sessions, OPTIONS);
        List<String> next = new ArrayList<>(sessions.subList(10, 60));
        next.add("tenant-x/new-line");

        PlacementTable after = Placement.rebalance(before, nodes, next, OPTIONS);

        assertThat(after.owners()).hasSize(51).containsKey("tenant-x/new-line").doesNotContainKey(sessions.get(0));
        assertThat(after.moves()).isEmpty();
    }

    @Test
    void rejectsANodeListedTwice() {
        List<NodeSpec> nodes = List.of(NodeSpec.active("a", 10), NodeSpec.active("a", 20));

        assertThatThrownBy(() -> Placement.assign(nodes, List.of("s"), OPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listed twice");
    }

    @Test
    void rejectsHealthWeightOutsideZeroToOne() {
        assertThatThrownBy(() -> new NodeSpec("a", 10, 1.5, NodeState.ACTIVE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("healthWeight");
        assertThatThrownBy(() -> new NodeSpec("a", 10, Double.NaN, NodeState.ACTIVE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
