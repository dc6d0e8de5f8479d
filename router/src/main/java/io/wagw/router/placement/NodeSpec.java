package io.wagw.router.placement;

import java.util.Objects;

/**
 * What placement needs to know about one node.
 *
 * @param nodeId       the node's id ({@code GW_NODE_ID}); unique in one placement call
 * @param capacity     hard cap: the most sessions the node may ever hold ({@code GW_MAX_SESSIONS}), {@code >= 0}
 * @param healthWeight health in [0, 1] (see {@code io.wagw.router.health.HealthScore}); 1 is fully healthy
 * @param state        lifecycle state; only {@link NodeState#ACTIVE} and {@link NodeState#DEGRADED} nodes hold sessions
 */
public record NodeSpec(String nodeId, int capacity, double healthWeight, NodeState state) {
    public NodeSpec {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(state, "state");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity of " + nodeId + " must be >= 0, was " + capacity);
        }
        if (!(healthWeight >= 0.0 && healthWeight <= 1.0)) {
            throw new IllegalArgumentException("healthWeight of " + nodeId + " must be in [0, 1], was " + healthWeight);
        }
    }

    /** A fully healthy {@link NodeState#ACTIVE} node. */
    public static NodeSpec active(String nodeId, int capacity) {
        return new NodeSpec(nodeId, capacity, 1.0, NodeState.ACTIVE);
    }

    /** Whether this node may hold sessions: holding state, some capacity and some health. */
    public boolean acceptsSessions() {
        return state.holdsSessions() && capacity > 0 && healthWeight > 0.0;
    }

    /** Placement weight: capacity times health, or 0 when the node accepts no sessions. */
    public double weight() {
        return acceptsSessions() ? capacity * healthWeight : 0.0;
    }

    public NodeSpec withState(NodeState newState) {
        return new NodeSpec(nodeId, capacity, healthWeight, newState);
    }

    public NodeSpec withHealthWeight(double newWeight) {
        return new NodeSpec(nodeId, capacity, newWeight, state);
    }
}
