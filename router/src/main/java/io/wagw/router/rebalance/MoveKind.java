package io.wagw.router.rebalance;

/** Why a session should change node, which decides whether and how long it waits. */
public enum MoveKind {
    /** The owner is {@code DOWN} or gone: the session is not running anywhere, so it moves at once, unpaced. */
    FAILOVER,
    /** The owner is draining: paced, and with one move in flight per node the sessions leave one by one. */
    DRAIN,
    /** The owner is unhealthy: waits until the owner has been unhealthy for the grace period, then paced. */
    HEALTH,
    /** Anything else (a node joined or recovered, loads evened out): paced. */
    REBALANCE
}
