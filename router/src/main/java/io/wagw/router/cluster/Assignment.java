package io.wagw.router.cluster;

import java.util.Objects;

/**
 * Where the coordinator wants a session to run. The node named here starts the session (taking the lease in the
 * session store); any other node that runs it stops.
 *
 * @param session the session id
 * @param nodeId  the node that should run it
 * @param version cluster-wide increasing number of the write that produced this entry: a later change of any
 *                session has a higher version, also across coordinator changes
 */
public record Assignment(String session, String nodeId, long version) {
    public Assignment {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(nodeId, "nodeId");
    }
}
