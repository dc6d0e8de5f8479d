package io.wagw.router.placement;

/**
 * Lifecycle state of a gateway node as far as placement is concerned.
 *
 * <ul>
 *   <li>{@link #ACTIVE}: healthy, takes new sessions and keeps its own.</li>
 *   <li>{@link #DEGRADED}: sick but alive; takes sessions in proportion to its (reduced) health weight.</li>
 *   <li>{@link #DRAINING}: leaving on purpose (drain API, SIGTERM, rolling update); gets no new sessions and
 *       the placement moves all of its sessions away (the rebalancing policy paces them).</li>
 *   <li>{@link #DOWN}: gone (dead member, stale health); keeps no sessions.</li>
 * </ul>
 */
public enum NodeState {
    ACTIVE,
    DEGRADED,
    DRAINING,
    DOWN;

    /** Whether a node in this state may hold sessions in a desired placement. */
    public boolean holdsSessions() {
        return this == ACTIVE || this == DEGRADED;
    }
}
