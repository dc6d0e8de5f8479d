/**
 * Placement of WhatsApp sessions on gateway nodes: pure Java, no I/O, no threads, no Hazelcast.
 *
 * <h2>Inputs</h2>
 * A list of {@link io.wagw.router.placement.NodeSpec} (id, hard capacity, health weight in [0, 1], state), the
 * session ids, {@link io.wagw.router.placement.PlacementOptions} and, for
 * {@link io.wagw.router.placement.Placement#rebalance}, the previous table with the node specs it was computed for.
 * Only {@code ACTIVE} and {@code DEGRADED} nodes with capacity and health above 0 accept sessions.
 *
 * <h2>Formulas</h2>
 * <ul>
 *   <li><b>Weight</b> of a node: {@code w = capacity × healthWeight}.</li>
 *   <li><b>Ring points</b>: {@code round(virtualNodes × healthWeight × capacity / referenceCapacity)}, at least 1.
 *       Point {@code j} of node {@code n} sits at {@code SplitMix64(XXH64(n) + (j + 1) × 0x9E3779B97F4A7C15)};
 *       a session sits at {@code XXH64(session id)}. The hash share of a node is thus proportional to its weight:
 *       a node with health 0.5 gets half the points, hence about half the sessions, of a healthy peer of the
 *       same capacity.</li>
 *   <li><b>Fair share</b> of an accepting node: {@code share = min(capacity, λ × w)} where λ is chosen so that the
 *       shares add up to {@code min(sessions, total capacity)} (water-filling: a node capped by its capacity
 *       passes the rest to the others). Equal nodes: {@code share = sessions / N}, the average load.</li>
 *   <li><b>Bound</b> (hard): {@code bound = min(capacity, ceil((1 + ε) × share))}; no node ever holds more, in
 *       {@code assign} and {@code rebalance} alike. In a cluster of equal nodes this is
 *       {@code ceil((1 + ε) × average)} as in Mirrokni, Thorup and Zadimoghaddam; with unequal weights each node's
 *       bound is relative to its own share. The bounds add up to at least the sessions that fit, so a session is
 *       unplaced only when the accepting capacities add up to less than the number of sessions.</li>
 *   <li><b>Target</b> (soft): {@code min(capacity, ceil((1 + ε/2) × share))}. New sessions walk the ring clockwise
 *       from their position to the first node below its target, and only when none is, to the first below its
 *       bound. Keeping half of the slack in reserve means that a join, which lowers every bound, rarely pushes a
 *       node above its bound.</li>
 * </ul>
 *
 * <h2>Rebalancing with minimal movement</h2>
 * {@code rebalance} keeps every session on its current node, except:
 * <ol>
 *   <li>the node is missing, {@code DOWN} or {@code DRAINING} ({@link io.wagw.router.placement.MoveReason#NODE_DOWN},
 *       {@link io.wagw.router.placement.MoveReason#NODE_DRAINING});</li>
 *   <li>the node is above its bound (its health, capacity or share dropped): it sheds its excess, sessions that
 *       are not at their ring home first ({@link io.wagw.router.placement.MoveReason#OVER_BOUND});</li>
 *   <li>the session's first ring point is a point the previous placement did not have (a node joined, came back
 *       or gained weight): the session follows it while that node is below its fair share rounded down
 *       ({@link io.wagw.router.placement.MoveReason#REBALANCE}). A joining node therefore takes at most its fair
 *       share, about {@code 1/(N+1)} of the sessions, and nothing else moves.</li>
 * </ol>
 * Sessions that must move (1 and 2) go to the node furthest below its fair share that is below its bound, which
 * fills a joining node first and evens out a failure. A node leaving moves only its own sessions, since its
 * departure raises every other bound and adds no ring point.
 *
 * <h2>Determinism</h2>
 * Nodes are sorted by id and sessions by (ring position, id) before anything else, and only stable hashes are
 * used, so the same inputs in any order give the same table on every JVM.
 */
package io.wagw.router.placement;
