package io.wagw.router.rebalance;

import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Since when a node has been continuously healthy or unhealthy. A node is unhealthy when it is
 * {@code DEGRADED}, or {@code ACTIVE} with a health weight below 1; {@code DRAINING} and {@code DOWN} are
 * handled by their own rules and count as healthy here.
 *
 * @param nodeId    the node
 * @param unhealthy whether the current spell is an unhealthy one
 * @param since     when the current spell began
 */
public record HealthTimeline(String nodeId, boolean unhealthy, Instant since) {
    public HealthTimeline {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(since, "since");
    }

    /** The timeline of a node first seen now. */
    public static HealthTimeline first(NodeSpec spec, Instant now) {
        return new HealthTimeline(spec.nodeId(), isUnhealthy(spec), now);
    }

    /** This timeline after seeing the node's spec at {@code now}: a new spell starts when health flips. */
    public HealthTimeline observe(NodeSpec spec, Instant now) {
        boolean unhealthyNow = isUnhealthy(spec);
        return unhealthyNow == unhealthy ? this : new HealthTimeline(nodeId, unhealthyNow, now);
    }

    /** Whether the node has been unhealthy without interruption for at least {@code grace}. */
    public boolean unhealthyFor(Duration grace, Instant now) {
        return unhealthy && !since.plus(grace).isAfter(now);
    }

    public static boolean isUnhealthy(NodeSpec spec) {
        return spec.state() == NodeState.DEGRADED || (spec.state() == NodeState.ACTIVE && spec.healthWeight() < 1.0);
    }
}
