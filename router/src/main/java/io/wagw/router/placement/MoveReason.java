package io.wagw.router.placement;

/** Why a placement put a session on another node than before. */
public enum MoveReason {
    /** The previous owner is missing from the node list or {@link NodeState#DOWN}. */
    NODE_DOWN,
    /** The previous owner is {@link NodeState#DRAINING}. */
    NODE_DRAINING,
    /** The previous owner's bound shrank below its load (health, capacity or cluster size changed). */
    OVER_BOUND,
    /** A ring point that was not there before (a joining, recovering or strengthened node) claims the session. */
    REBALANCE
}
