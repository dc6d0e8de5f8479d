package io.wagw.router.rebalance;

import java.time.Instant;
import java.util.Objects;

/**
 * A move the coordinator started, kept for at least {@link PolicyOptions#WINDOW} after it started and until it
 * finished. The policy counts these for the rate limit (started within the window) and the in-flight limit
 * (not finished). The coordinator marks a move finished when the new owner reports the session running, or gives
 * up on it after a timeout of its choosing.
 *
 * @param session   the session
 * @param from      the old owner
 * @param to        the new owner
 * @param startedAt when the move was started
 * @param finished  whether the hand-over is over
 */
public record MoveRecord(String session, String from, String to, Instant startedAt, boolean finished) {
    public MoveRecord {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** The record of a planned move started now. */
    public static MoveRecord started(PlannedMove move, Instant now) {
        return new MoveRecord(move.session(), move.from(), move.to(), now, false);
    }

    public MoveRecord markFinished() {
        return new MoveRecord(session, from, to, startedAt, true);
    }

    boolean touches(String node) {
        return from.equals(node) || to.equals(node);
    }
}
