package io.wagw.router.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Health-weighted consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam, 2016).
 * Pure and deterministic: the result depends only on the values passed in, never on their order,
 * on hash-map iteration order or on the JVM. See the package documentation for the formulas.
 *
 * <p>{@link #assign} places every session from scratch. {@link #rebalance} starts from the current table and
 * keeps each session where it is unless it has to move (owner gone, {@code DOWN} or {@code DRAINING}, or above
 * its bound) or a ring point that did not exist before claims it (a node joined, recovered or got stronger).
 * Both respect the same bounds.
 */
public final class Placement {
    private static final double TOLERANCE = 1e-9;

    private Placement() {}

    /** Places every session from scratch on the given nodes. */
    public static PlacementTable assign(List<NodeSpec> nodes, Collection<String> sessions, PlacementOptions options) {
        return rebalance(Map.of(), List.of(), nodes, sessions, options);
    }

    /**
     * Moves as few sessions as possible from a previous assignment to a valid one for the new inputs.
     * Sessions of {@code previous} that are no longer in {@code sessions} are dropped; new ones are placed.
     */
    public static PlacementTable rebalance(
            PlacementTable previous, List<NodeSpec> nodes, Collection<String> sessions, PlacementOptions options) {
        return rebalance(previous.owners(), previous.nodes(), nodes, sessions, options);
    }

    /**
     * Same as {@link #rebalance(PlacementTable, List, Collection, PlacementOptions)} from a bare table, for a
     * coordinator that stored only the table and the node specs it was computed for.
     *
     * @param currentOwners session id to node id as it is now
     * @param previousNodes the node specs the current table was computed for; they tell which ring points are
     *                      new. Passing the current {@code nodes} again means "no new points": only sessions that
     *                      must move do.
     */
    public static PlacementTable rebalance(
            Map<String, String> currentOwners,
            List<NodeSpec> previousNodes,
            List<NodeSpec> nodes,
            Collection<String> sessions,
            PlacementOptions options) {
        Objects.requireNonNull(currentOwners, "currentOwners");
        Objects.requireNonNull(previousNodes, "previousNodes");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(options, "options");
        return new Run(currentOwners, previousNodes, nodes, sessions, options).run();
    }

    /** Weighted fair shares under hard caps (water-filling), by node index. */
    private static double[] fairShares(NodeSpec[] nodes, int sessions) {
        double[] share = new double[nodes.length];
        boolean[] fixed = new boolean[nodes.length];
        long totalCapacity = 0;
        for (NodeSpec node : nodes) {
            if (node.acceptsSessions()) {
                totalCapacity += node.capacity();
            }
        }
        double remaining = Math.min(sessions, totalCapacity);
        while (remaining > 0) {
            double weightSum = 0;
            for (int i = 0; i < nodes.length; i++) {
                if (!fixed[i]) {
                    weightSum += nodes[i].weight();
                }
            }
            if (weightSum <= 0) {
                break;
            }
            double perWeight = remaining / weightSum;
            boolean capped = false;
            for (int i = 0; i < nodes.length; i++) {
                if (!fixed[i] && nodes[i].weight() > 0 && perWeight * nodes[i].weight() >= nodes[i].capacity()) {
                    share[i] = nodes[i].capacity();
                    fixed[i] = true;
                    remaining -= nodes[i].capacity();
                    capped = true;
                }
            }
            if (!capped) {
                for (int i = 0; i < nodes.length; i++) {
                    if (!fixed[i]) {
                        share[i] = perWeight * nodes[i].weight();
                    }
                }
                break;
            }
        }
        return share;
    }

    /** A session's place in the canonical order. */
    private record SessionKey(long position, int nameRank) implements Comparable<SessionKey> {
        @Override
        public int compareTo(SessionKey other) {
            int c = Long.compare(position, other.position);
            return c != 0 ? c : Integer.compare(nameRank, other.nameRank);
        }
    }

    /** One placement computation; all per-session and per-node state lives in arrays indexed canonically. */
    private static final class Run {
        private final Map<String, String> currentOwners;
        private final NodeSpec[] specs;
        private final String[] nodeIds;
        private final Map<String, Integer> nodeIndex = new HashMap<>();
        private final int[] previousPoints;
        private final long[] nodeSeed;
        private final Ring ring;
        private final double[] share;
        private final int[] bound;
        private final int[] target;
        private final int[] claimLimit;
        private final String[] sessions;
        /** Canonical index of the i-th session in name order. */
        private final int[] nameOrder;

        private final long[] position;
        private final int[] owner;
        private final String[] previousOwner;
        private final MoveReason[] reason;
        private final int[] load;
        private long roomBelowBound;
        private long roomBelowTarget;

        Run(
                Map<String, String> currentOwners,
                List<NodeSpec> previousNodes,
                List<NodeSpec> nodes,
                Collection<String> sessionIds,
                PlacementOptions options) {
            this.currentOwners = currentOwners;
            specs = nodes.stream()
                    .sorted(Comparator.comparing(NodeSpec::nodeId))
                    .toArray(NodeSpec[]::new);
            nodeIds = new String[specs.length];
            int[] points = new int[specs.length];
            nodeSeed = new long[specs.length];
            for (int i = 0; i < specs.length; i++) {
                nodeIds[i] = specs[i].nodeId();
                if (nodeIndex.put(nodeIds[i], i) != null) {
                    throw new IllegalArgumentException("node " + nodeIds[i] + " is listed twice");
                }
                points[i] = options.pointsFor(specs[i]);
                nodeSeed[i] = StableHash.of(nodeIds[i]);
            }
            Map<String, Integer> before = new HashMap<>();
            for (NodeSpec spec : previousNodes) {
                before.put(spec.nodeId(), options.pointsFor(spec));
            }
            previousPoints = new int[specs.length];
            for (int i = 0; i < specs.length; i++) {
                previousPoints[i] = before.getOrDefault(nodeIds[i], 0);
            }
            ring = Ring.build(nodeIds, points);

            String[] byName = sessionIds.toArray(String[]::new);
            for (String session : byName) {
                Objects.requireNonNull(session, "session id");
            }
            Arrays.sort(byName);
            int unique = 0;
            for (int i = 0; i < byName.length; i++) {
                if (unique == 0 || !byName[i].equals(byName[unique - 1])) {
                    byName[unique++] = byName[i];
                }
            }
            nameOrder = new int[unique];
            SessionKey[] keys = new SessionKey[unique];
            for (int i = 0; i < unique; i++) {
                keys[i] = new SessionKey(Ring.sessionPosition(byName[i]), i);
            }
            // Canonical order: ring position, then name. It decides who spills first, like arrival order in the paper.
            Arrays.sort(keys);
            sessions = new String[unique];
            position = new long[unique];
            for (int s = 0; s < unique; s++) {
                sessions[s] = byName[keys[s].nameRank()];
                position[s] = keys[s].position();
                nameOrder[keys[s].nameRank()] = s;
            }

            share = fairShares(specs, sessions.length);
            bound = new int[specs.length];
            target = new int[specs.length];
            claimLimit = new int[specs.length];
            for (int i = 0; i < specs.length; i++) {
                if (specs[i].acceptsSessions() && share[i] > 0) {
                    bound[i] = slackLimit(options.epsilon(), i);
                    target[i] = slackLimit(options.epsilon() / 2, i);
                    claimLimit[i] = (int) Math.floor(share[i] + TOLERANCE);
                }
                roomBelowBound += bound[i];
                roomBelowTarget += target[i];
            }
            owner = new int[sessions.length];
            Arrays.fill(owner, -1);
            previousOwner = new String[sessions.length];
            reason = new MoveReason[sessions.length];
            load = new int[specs.length];
        }

        PlacementTable run() {
            List<Integer> displaced = new ArrayList<>();
            List<Integer> newcomers = new ArrayList<>();
            List<Integer> claimed = new ArrayList<>();
            for (int s = 0; s < sessions.length; s++) {
                String was = currentOwners.get(sessions[s]);
                previousOwner[s] = was;
                if (was == null) {
                    newcomers.add(s);
                    continue;
                }
                Integer node = nodeIndex.get(was);
                if (node == null || specs[node].state() == NodeState.DOWN) {
                    reason[s] = MoveReason.NODE_DOWN;
                    displaced.add(s);
                } else if (specs[node].state() == NodeState.DRAINING) {
                    reason[s] = MoveReason.NODE_DRAINING;
                    displaced.add(s);
                } else {
                    assignTo(s, node);
                    if (claimedByNewPoint(s)) {
                        claimed.add(s);
                    }
                }
            }
            // Claimed sessions on an over-bound node go first: each such move also saves a forced one.
            for (int s : claimed) {
                if (load[owner[s]] > bound[owner[s]]) {
                    followClaim(s);
                }
            }
            displaced.addAll(shedExcess());
            displaced.sort(null);
            for (int s : displaced) {
                int node = neediestNode(s);
                if (node >= 0) {
                    assignTo(s, node);
                }
            }
            for (int s : claimed) {
                if (owner[s] >= 0 && nodeIds[owner[s]].equals(previousOwner[s])) {
                    followClaim(s);
                }
            }
            for (int s : newcomers) {
                // New sessions aim at half the slack; the other half absorbs later changes (a join lowers every
                // bound) without forcing moves. Only when that is full do they use the whole bound.
                int node = walk(s, target, roomBelowTarget);
                if (node < 0) {
                    node = walk(s, bound, roomBelowBound);
                }
                if (node >= 0) {
                    assignTo(s, node);
                }
            }
            return result();
        }

        /** Whether the session's first ring point is one the previous placement did not have, on another node. */
        private boolean claimedByNewPoint(int s) {
            if (ring.isEmpty()) {
                return false;
            }
            int home = ring.firstAtOrAfter(position[s]);
            int node = ring.node(home);
            return node != owner[s] && ring.point(home) >= previousPoints[node];
        }

        /**
         * Moves a claimed session to the claiming node while that node is below its fair share. A joining node
         * thus takes about its fair share and no more, which keeps movement near the ideal 1/(N+1).
         */
        private void followClaim(int s) {
            int home = ring.node(ring.firstAtOrAfter(position[s]));
            if (load[home] < claimLimit[home]) {
                release(s);
                reason[s] = MoveReason.REBALANCE;
                assignTo(s, home);
            }
        }

        /** Releases the excess of every node above its bound: spilled sessions first, then the latest arrivals. */
        private List<Integer> shedExcess() {
            List<Integer> shed = new ArrayList<>();
            int[] excess = new int[specs.length];
            boolean any = false;
            for (int i = 0; i < specs.length; i++) {
                excess[i] = Math.max(0, load[i] - bound[i]);
                any |= excess[i] > 0;
            }
            if (!any) {
                return shed;
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int s = sessions.length - 1; s >= 0; s--) {
                    int node = owner[s];
                    if (node < 0 || excess[node] == 0) {
                        continue;
                    }
                    boolean spilled = ring.isEmpty() || ring.node(ring.firstAtOrAfter(position[s])) != node;
                    if (pass == 1 || spilled) {
                        release(s);
                        reason[s] = MoveReason.OVER_BOUND;
                        excess[node]--;
                        shed.add(s);
                    }
                }
            }
            return shed;
        }

        /** First node on the session's ring walk whose load is below {@code limit}, or -1 when none is. */
        private int walk(int s, int[] limit, long room) {
            if (ring.isEmpty() || room <= 0) {
                return -1;
            }
            int index = ring.firstAtOrAfter(position[s]);
            for (int step = 0; step < ring.size(); step++) {
                int node = ring.node(index);
                if (load[node] < limit[node]) {
                    return node;
                }
                index = ring.next(index);
            }
            return -1;
        }

        /** {@code min(capacity, ceil((1 + slack) × share))}, at least 1 for a node with a share. */
        private int slackLimit(double slack, int node) {
            long limit = (long) Math.ceil((1 + slack) * share[node] - TOLERANCE);
            return (int) Math.max(1, Math.min(specs[node].capacity(), limit));
        }

        /**
         * The node below its bound that is furthest below its fair share, or -1. A session that has to move
         * anyway goes there rather than along its ring walk: evacuations then fill the emptiest nodes (a node
         * that just joined, typically) instead of pushing neighbours toward their bound, which would force
         * further moves later. Ties go to the highest rendezvous score of (session, node), so equal nodes
         * share the load without favouring low ids.
         */
        private int neediestNode(int s) {
            if (roomBelowBound <= 0) {
                return -1;
            }
            int best = -1;
            double bestDeficit = 0;
            long bestScore = 0;
            for (int node = 0; node < specs.length; node++) {
                if (load[node] >= bound[node]) {
                    continue;
                }
                double deficit = share[node] - load[node];
                long score = StableHash.mix64(position[s] ^ nodeSeed[node]);
                if (best < 0
                        || deficit > bestDeficit + TOLERANCE
                        || (Math.abs(deficit - bestDeficit) <= TOLERANCE && score > bestScore)) {
                    best = node;
                    bestDeficit = deficit;
                    bestScore = score;
                }
            }
            return best;
        }

        private void assignTo(int s, int node) {
            owner[s] = node;
            changeLoad(node, +1);
        }

        private void release(int s) {
            changeLoad(owner[s], -1);
            owner[s] = -1;
        }

        private void changeLoad(int node, int delta) {
            int before = load[node];
            int after = before + delta;
            load[node] = after;
            roomBelowBound += Math.max(0, bound[node] - after) - Math.max(0, bound[node] - before);
            roomBelowTarget += Math.max(0, target[node] - after) - Math.max(0, target[node] - before);
        }

        private PlacementTable result() {
            Map<String, String> owners = new LinkedHashMap<>();
            List<Move> moves = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            for (int s : nameOrder) {
                if (owner[s] < 0) {
                    lost.add(sessions[s]);
                    continue;
                }
                String to = nodeIds[owner[s]];
                owners.put(sessions[s], to);
                if (previousOwner[s] != null && !previousOwner[s].equals(to)) {
                    moves.add(new Move(sessions[s], previousOwner[s], to, reason[s]));
                }
            }
            List<NodeLoad> loads = new ArrayList<>(specs.length);
            for (int i = 0; i < specs.length; i++) {
                loads.add(new NodeLoad(nodeIds[i], load[i], share[i], bound[i]));
            }
            return new PlacementTable(owners, loads, lost, Arrays.asList(specs), moves);
        }
    }
}
