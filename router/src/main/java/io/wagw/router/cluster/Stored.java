package io.wagw.router.cluster;

import io.wagw.router.health.NodeMetrics;
import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import io.wagw.router.rebalance.MoveRecord;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The forms in which the shared tables hold their values. Kept apart from the domain records so those stay plain
 * and the stored layout changes in one place; only JDK types inside, so any member can read them. Of this
 * project's classes, members deserialise these and no other (see {@code HazelcastClusterNode.serializationFilter}).
 */
final class Stored {
    /** Every stored record: the only classes of this project members deserialise from each other. */
    static final List<Class<? extends Serializable>> TYPES = List.of(
            StoredAssignment.class,
            StoredMetrics.class,
            StoredSpec.class,
            StoredDesired.class,
            StoredMove.class,
            StoredMoves.class);

    private Stored() {}

    record StoredAssignment(String session, String nodeId, long version) implements Serializable {
        static StoredAssignment of(Assignment a) {
            return new StoredAssignment(a.session(), a.nodeId(), a.version());
        }

        Assignment toAssignment() {
            return new Assignment(session, nodeId, version);
        }
    }

    record StoredMetrics(
            String nodeId,
            long publishedAtMillis,
            int capacity,
            int sessionsRunning,
            long heapUsedBytes,
            long heapMaxBytes,
            long chromiumMemoryBytes,
            long chromiumBudgetBytes,
            double systemCpuLoad,
            int recentStartFailures,
            int recentBrowserCrashes,
            boolean draining)
            implements Serializable {
        static StoredMetrics of(NodeMetrics m) {
            return new StoredMetrics(
                    m.nodeId(),
                    m.publishedAt().toEpochMilli(),
                    m.capacity(),
                    m.sessionsRunning(),
                    m.heapUsedBytes(),
                    m.heapMaxBytes(),
                    m.chromiumMemoryBytes(),
                    m.chromiumBudgetBytes(),
                    m.systemCpuLoad(),
                    m.recentStartFailures(),
                    m.recentBrowserCrashes(),
                    m.draining());
        }

        NodeMetrics toMetrics() {
            return new NodeMetrics(
                    nodeId,
                    Instant.ofEpochMilli(publishedAtMillis),
                    capacity,
                    sessionsRunning,
                    heapUsedBytes,
                    heapMaxBytes,
                    chromiumMemoryBytes,
                    chromiumBudgetBytes,
                    systemCpuLoad,
                    recentStartFailures,
                    recentBrowserCrashes,
                    draining);
        }
    }

    record StoredSpec(String nodeId, int capacity, double healthWeight, String state) implements Serializable {
        static StoredSpec of(NodeSpec spec) {
            return new StoredSpec(
                    spec.nodeId(),
                    spec.capacity(),
                    spec.healthWeight(),
                    spec.state().name());
        }

        NodeSpec toSpec() {
            return new NodeSpec(nodeId, capacity, healthWeight, NodeState.valueOf(state));
        }
    }

    record StoredDesired(HashMap<String, String> owners, ArrayList<StoredSpec> nodes) implements Serializable {
        static StoredDesired of(DesiredPlacement desired) {
            return new StoredDesired(
                    new HashMap<>(desired.owners()),
                    new ArrayList<>(desired.nodes().stream().map(StoredSpec::of).toList()));
        }

        DesiredPlacement toDesired() {
            return new DesiredPlacement(
                    owners, nodes.stream().map(StoredSpec::toSpec).toList());
        }
    }

    record StoredMove(String session, String from, String to, long startedAtMillis, boolean finished)
            implements Serializable {
        static StoredMove of(MoveRecord r) {
            return new StoredMove(r.session(), r.from(), r.to(), r.startedAt().toEpochMilli(), r.finished());
        }

        MoveRecord toRecord() {
            return new MoveRecord(session, from, to, Instant.ofEpochMilli(startedAtMillis), finished);
        }
    }

    record StoredMoves(ArrayList<StoredMove> moves) implements Serializable {
        static StoredMoves of(List<MoveRecord> records) {
            return new StoredMoves(
                    new ArrayList<>(records.stream().map(StoredMove::of).toList()));
        }

        List<MoveRecord> toRecords() {
            return moves.stream().map(StoredMove::toRecord).toList();
        }
    }
}
