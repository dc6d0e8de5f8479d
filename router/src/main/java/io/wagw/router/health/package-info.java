/**
 * Node health: from the metrics a node publishes ({@link io.wagw.router.health.NodeMetrics}) to a weight in
 * [0, 1] and a {@link io.wagw.router.placement.NodeState} ({@link io.wagw.router.health.HealthScore}), which
 * become the node's {@link io.wagw.router.placement.NodeSpec}. Pure: no I/O, the time is passed in.
 */
package io.wagw.router.health;
