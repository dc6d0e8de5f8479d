/**
 * The cluster layer: an embedded Hazelcast member per gateway node ({@link io.wagw.router.cluster.ClusterNode}),
 * the distributed tables every node shares (health, wanted sessions, assignments, running sessions, drain
 * requests) and the coordinator that turns them into an assignment table with the pure placement and rebalancing
 * code of {@code io.wagw.router.placement} and {@code io.wagw.router.rebalance}.
 *
 * <p>Only {@code HazelcastClusterNode} (and its small storage records) import Hazelcast; everything public here
 * speaks plain Java types and records.
 *
 * <h2>Who writes what</h2>
 * <ul>
 *   <li>every node: its health ({@link io.wagw.router.cluster.ClusterNode#publishHealth}), the sessions it runs
 *       ({@link io.wagw.router.cluster.ClusterNode#reportRunning}); its HTTP API: wanted sessions and drain
 *       requests;</li>
 *   <li>the coordinator (the oldest member): the assignment table, the desired placement and move records;
 *       it also removes what departed members left behind.</li>
 * </ul>
 */
package io.wagw.router.cluster;
