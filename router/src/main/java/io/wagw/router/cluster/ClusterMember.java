package io.wagw.router.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * A live member of the cluster, from the member attributes it joined with.
 *
 * @param nodeId  its {@code GW_NODE_ID}
 * @param httpUrl its advertised HTTP URL, where forwarded API calls go
 * @param local   whether it is this node
 * @param since   when this node first saw it in the member list (its own join time for the local member)
 */
public record ClusterMember(String nodeId, String httpUrl, boolean local, Instant since) {
    public ClusterMember {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(httpUrl, "httpUrl");
        Objects.requireNonNull(since, "since");
    }
}
