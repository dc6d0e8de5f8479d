package io.wagw.router.cluster;

import java.util.Objects;

/**
 * One change of the assignment table, as seen by every node.
 *
 * @param session the session
 * @param before  the previous entry, {@code null} when the session had none (a new session)
 * @param after   the new entry, {@code null} when the session was removed (no longer wanted)
 */
public record AssignmentChange(String session, Assignment before, Assignment after) {
    public AssignmentChange {
        Objects.requireNonNull(session, "session");
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change of " + session + " needs a before or an after");
        }
    }

    /** Whether {@code nodeId} should now run the session and was not assigned it before. */
    public boolean gainedBy(String nodeId) {
        return after != null
                && after.nodeId().equals(nodeId)
                && (before == null || !before.nodeId().equals(nodeId));
    }

    /** Whether {@code nodeId} was assigned the session and no longer is (moved away or removed). */
    public boolean lostBy(String nodeId) {
        return before != null
                && before.nodeId().equals(nodeId)
                && (after == null || !after.nodeId().equals(nodeId));
    }
}
