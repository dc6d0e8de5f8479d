package io.wagw.router.rebalance;

import java.util.Objects;

/**
 * A move to start now: the coordinator writes {@code session → to} and the nodes hand the session over.
 *
 * @param session the session
 * @param from    its owner in the current table
 * @param to      its owner in the desired placement
 * @param kind    why it moves
 */
public record PlannedMove(String session, String from, String to, MoveKind kind) {
    public PlannedMove {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(kind, "kind");
    }
}
