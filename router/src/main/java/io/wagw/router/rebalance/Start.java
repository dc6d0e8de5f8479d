package io.wagw.router.rebalance;

import java.util.Objects;

/**
 * A session without an owner in the current table (new, or unplaced until now) to start on a node. Not a move:
 * starts are neither paced nor counted, only kept within the node's capacity.
 *
 * @param session the session
 * @param node    where to start it
 */
public record Start(String session, String node) {
    public Start {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(node, "node");
    }
}
