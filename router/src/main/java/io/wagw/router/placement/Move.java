package io.wagw.router.placement;

import java.util.Objects;

/**
 * One session changing owner between two placements.
 *
 * @param session the session id
 * @param from    previous owner
 * @param to      new owner
 * @param reason  why it moves
 */
public record Move(String session, String from, String to, MoveReason reason) {
    public Move {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }
}
