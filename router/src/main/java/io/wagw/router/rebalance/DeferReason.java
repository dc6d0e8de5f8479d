package io.wagw.router.rebalance;

/** Why a wanted change is not done in this round. */
public enum DeferReason {
    /** The owner has not been unhealthy for the grace period yet. */
    GRACE,
    /** The source or target already had K moves in the last minute. */
    RATE_LIMIT,
    /** The source or target already has the maximum number of moves under way. */
    IN_FLIGHT,
    /**
     * A health move whose target is not clearly healthier than its source: when every node is loaded
     * (a failover, a burst of starts), moving sessions between them only adds re-logins.
     */
    TARGET_NOT_HEALTHIER,
    /**
     * A rebalancing move within {@link PolicyOptions#WINDOW} of a failover: the survivors are restoring the
     * lost node's sessions, and a move for a better spread would take CPU from them and add a re-login.
     */
    SETTLING,
    /** The target holds its capacity in the current table (sessions leaving it have not left yet). */
    TARGET_FULL
}
