package io.wagw.router.cluster;

/** Placeholder, implemented next. */
final class HazelcastClusterNode {
    private HazelcastClusterNode() {
    }

    static ClusterNode join(ClusterSettings settings) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
