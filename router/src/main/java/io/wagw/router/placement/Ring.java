package io.wagw.router.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hash ring: every accepting node contributes {@link PlacementOptions#pointsFor} points.
 * Positions are unsigned 64-bit values stored with the sign bit flipped, so signed order is ring order.
 */
final class Ring {
    private final long[] positions;
    private final int[] nodes;
    private final int[] points;

    private Ring(long[] positions, int[] nodes, int[] points) {
        this.positions = positions;
        this.nodes = nodes;
        this.points = points;
    }

    /**
     * @param nodeIds     node ids by node index
     * @param pointCounts ring points per node index (0 leaves the node off the ring)
     */
    static Ring build(String[] nodeIds, int[] pointCounts) {
        List<Point> all = new ArrayList<>();
        for (int node = 0; node < nodeIds.length; node++) {
            long seed = StableHash.of(nodeIds[node]);
            for (int point = 0; point < pointCounts[node]; point++) {
                all.add(new Point(pointPosition(seed, point), node, point));
            }
        }
        Point[] sorted = all.toArray(Point[]::new);
        Arrays.sort(sorted);
        long[] positions = new long[sorted.length];
        int[] nodes = new int[sorted.length];
        int[] points = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            positions[i] = sorted[i].position();
            nodes[i] = sorted[i].node();
            points[i] = sorted[i].point();
        }
        return new Ring(positions, nodes, points);
    }

    /** Ties (astronomically rare) are broken by node index and point number so the order stays total. */
    private record Point(long position, int node, int point) implements Comparable<Point> {
        @Override
        public int compareTo(Point other) {
            int c = Long.compare(position, other.position);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(node, other.node);
            return c != 0 ? c : Integer.compare(point, other.point);
        }
    }

    /** Position of point {@code j} of a node: a SplitMix64 stream seeded by the node's hash. */
    static long pointPosition(long nodeSeed, int point) {
        return StableHash.mix64(nodeSeed + (point + 1L) * StableHash.GOLDEN_GAMMA) ^ Long.MIN_VALUE;
    }

    static long sessionPosition(String session) {
        return StableHash.of(session) ^ Long.MIN_VALUE;
    }

    int size() {
        return positions.length;
    }

    boolean isEmpty() {
        return positions.length == 0;
    }

    /** Index of the first point at or after a position, wrapping to 0 past the last point. */
    int firstAtOrAfter(long position) {
        int i = Arrays.binarySearch(positions, position);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && positions[i - 1] == position) {
                i--;
            }
        }
        return i == positions.length ? 0 : i;
    }

    int next(int index) {
        return index + 1 == positions.length ? 0 : index + 1;
    }

    int node(int index) {
        return nodes[index];
    }

    int point(int index) {
        return points[index];
    }
}
