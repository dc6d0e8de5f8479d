package io.wagw.router.health;

import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import java.util.List;

/**
 * A node's health as judged by {@link HealthScore}.
 *
 * @param nodeId   the node
 * @param capacity its hard cap, copied from the metrics
 * @param weight   health weight in [0, 1], in steps of 0.05
 * @param state    {@code ACTIVE}, {@code DEGRADED}, {@code DRAINING} or {@code DOWN}
 * @param concerns short human-readable reasons the weight is below 1 (for {@code GET /api/cluster/nodes} and logs)
 */
public record NodeHealth(String nodeId, int capacity, double weight, NodeState state, List<String> concerns) {
    public NodeHealth {
        concerns = List.copyOf(concerns);
    }

    /** The placement input for this node. */
    public NodeSpec toSpec() {
        return new NodeSpec(nodeId, capacity, weight, state);
    }
}
