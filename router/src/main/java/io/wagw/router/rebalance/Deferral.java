package io.wagw.router.rebalance;

import java.util.Objects;

/**
 * A move the desired placement wants that waits for a later round.
 *
 * @param session the session
 * @param from    its owner in the current table
 * @param to      its owner in the desired placement
 * @param kind    why it would move
 * @param reason  why it waits
 */
public record Deferral(String session, String from, String to, MoveKind kind, DeferReason reason) {
    public Deferral {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
