package io.wagw.router.placement;

/**
 * Tuning of the placement.
 *
 * @param epsilon            load slack ε of bounded-load hashing: a node holds at most
 *                           {@code ceil((1 + ε) × its fair share)} sessions; {@code >= 0}. Smaller is more even
 *                           but moves more sessions when the cluster changes.
 * @param virtualNodes       ring points of a fully healthy node whose capacity equals {@code referenceCapacity}
 * @param referenceCapacity  the capacity that gets exactly {@code virtualNodes} points; set it to the usual
 *                           {@code GW_MAX_SESSIONS} so a typical node gets {@code virtualNodes} points
 */
public record PlacementOptions(double epsilon, int virtualNodes, int referenceCapacity) {
    /** Upper limit of ring points for one node, so one huge capacity cannot blow up the ring. */
    public static final int MAX_POINTS_PER_NODE = 1 << 14;

    public PlacementOptions {
        if (!(epsilon >= 0.0 && epsilon <= 100.0)) {
            throw new IllegalArgumentException("epsilon must be in [0, 100], was " + epsilon);
        }
        if (virtualNodes < 1 || virtualNodes > 4096) {
            throw new IllegalArgumentException("virtualNodes must be in [1, 4096], was " + virtualNodes);
        }
        if (referenceCapacity < 1) {
            throw new IllegalArgumentException("referenceCapacity must be >= 1, was " + referenceCapacity);
        }
    }

    /** ε = 0.25, 160 points for a healthy node of capacity 100. */
    public static PlacementOptions defaults() {
        return new PlacementOptions(0.25, 160, 100);
    }

    public PlacementOptions withEpsilon(double newEpsilon) {
        return new PlacementOptions(newEpsilon, virtualNodes, referenceCapacity);
    }

    /**
     * Ring points of a node: {@code round(virtualNodes × healthWeight × capacity / referenceCapacity)},
     * at least 1 for a node that accepts sessions, 0 for one that does not, at most {@link #MAX_POINTS_PER_NODE}.
     * Point {@code j} of a node sits at the same place whatever the count, so a count change only adds or
     * removes the highest-numbered points.
     */
    public int pointsFor(NodeSpec node) {
        if (!node.acceptsSessions()) {
            return 0;
        }
        double points = (double) virtualNodes * node.healthWeight() * node.capacity() / referenceCapacity;
        return (int) Math.max(1, Math.min(MAX_POINTS_PER_NODE, Math.round(points)));
    }
}
