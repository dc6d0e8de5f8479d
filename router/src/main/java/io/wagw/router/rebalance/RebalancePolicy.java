package io.wagw.router.rebalance;

import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import io.wagw.router.placement.PlacementTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides which of the differences between the current table and the desired placement to act on now.
 * Pure: the time is an argument and nothing is remembered between calls; the coordinator keeps the
 * {@link HealthTimeline}s and {@link MoveRecord}s and passes them in.
 *
 * <p>Rules, per session whose desired owner differs from its current one:
 * <ul>
 *   <li>no current owner: start it ({@link Start}), if the node has room in the current table;</li>
 *   <li>owner {@code DOWN} or gone: {@link MoveKind#FAILOVER} at once, without pacing (the node is gone); it
 *       still counts toward the target's moves of the minute;</li>
 *   <li>owner {@code DRAINING}: {@link MoveKind#DRAIN}, paced;</li>
 *   <li>owner unhealthy ({@link HealthTimeline}): {@link MoveKind#HEALTH}, only once the owner has been unhealthy
 *       for {@link PolicyOptions#unhealthyGrace()} and only to a target whose health weight is at least
 *       {@value #HEALTH_MARGIN} higher, then paced;</li>
 *   <li>otherwise {@link MoveKind#REBALANCE}, paced, and not within {@link PolicyOptions#WINDOW} of a failover
 *       ({@link DeferReason#SETTLING}): restoring a dead node's sessions comes before a better spread.</li>
 * </ul>
 * Paced means: at most {@link PolicyOptions#maxMovesPerNodePerMinute()} moves started within the last minute
 * touching the source or the target (moves off and onto a node both count), and at most
 * {@link PolicyOptions#maxInFlightPerNode()} unfinished moves touching either. No move or start takes a node
 * above its capacity in the current table; moves get the room before starts.
 *
 * <p>The intended loop of the coordinator, every round:
 * <pre>{@code
 * timelines = RebalancePolicy.observe(timelines, specs, now);
 * desired   = Placement.rebalance(desired, policy.placementView(specs, timelines, now), sessions, placementOptions);
 * plan      = policy.plan(currentTable, desired, timelines, moveRecords, now);
 * }</pre>
 */
public final class RebalancePolicy {
    /** How much higher a health move's target must weigh than its source. */
    static final double HEALTH_MARGIN = 0.25;

    private final PolicyOptions options;

    public RebalancePolicy(PolicyOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public PolicyOptions options() {
        return options;
    }

    /** The timelines after seeing this round's specs; nodes no longer listed are forgotten. */
    public static Map<String, HealthTimeline> observe(
            Map<String, HealthTimeline> timelines, List<NodeSpec> specs, Instant now) {
        Map<String, HealthTimeline> next = new LinkedHashMap<>();
        specs.stream().sorted(Comparator.comparing(NodeSpec::nodeId)).forEach(spec -> {
            HealthTimeline known = timelines.get(spec.nodeId());
            next.put(spec.nodeId(), known == null ? HealthTimeline.first(spec, now) : known.observe(spec, now));
        });
        return next;
    }

    /**
     * The node specs the placement should see: a node unhealthy for less than the grace period appears
     * {@code ACTIVE} with full health, so a short dip changes neither the desired placement nor anything else.
     * {@code DOWN} and {@code DRAINING} pass through at once.
     */
    public List<NodeSpec> placementView(List<NodeSpec> specs, Map<String, HealthTimeline> timelines, Instant now) {
        List<NodeSpec> view = new ArrayList<>(specs.size());
        for (NodeSpec spec : specs) {
            HealthTimeline timeline = timelines.get(spec.nodeId());
            boolean inGrace = HealthTimeline.isUnhealthy(spec)
                    && (timeline == null || !timeline.unhealthyFor(options.unhealthyGrace(), now));
            view.add(inGrace ? new NodeSpec(spec.nodeId(), spec.capacity(), 1.0, NodeState.ACTIVE) : spec);
        }
        return view;
    }

    /**
     * Plans this round.
     *
     * @param current     session to owner as the table stands now (moves already started point to their target)
     * @param desired     the desired placement, with the node specs it was computed for
     * @param timelines   health timelines by node id (see {@link #observe})
     * @param moveRecords moves started within the last minute or not finished yet
     * @param now         the time of this round
     */
    public MovePlan plan(
            Map<String, String> current,
            PlacementTable desired,
            Map<String, HealthTimeline> timelines,
            List<MoveRecord> moveRecords,
            Instant now) {
        Map<String, NodeSpec> nodes = new HashMap<>();
        desired.nodes().forEach(spec -> nodes.put(spec.nodeId(), spec));
        Map<String, Integer> load = new HashMap<>();
        current.values().forEach(node -> load.merge(node, 1, Integer::sum));
        Map<String, Integer> recent = new HashMap<>();
        Map<String, Integer> inFlight = new HashMap<>();
        Set<String> moving = new HashSet<>();
        Instant windowStart = now.minus(PolicyOptions.WINDOW);
        for (MoveRecord record : moveRecords) {
            if (record.startedAt().isAfter(windowStart)) {
                recent.merge(record.from(), 1, Integer::sum);
                recent.merge(record.to(), 1, Integer::sum);
            }
            if (!record.finished()) {
                inFlight.merge(record.from(), 1, Integer::sum);
                inFlight.merge(record.to(), 1, Integer::sum);
                moving.add(record.session());
            }
        }

        List<Start> starts = new ArrayList<>();
        List<PlannedMove> wanted = new ArrayList<>();
        for (Map.Entry<String, String> entry : desired.owners().entrySet()) {
            String session = entry.getKey();
            String to = entry.getValue();
            String from = current.get(session);
            if (from == null) {
                starts.add(new Start(session, to));
            } else if (!from.equals(to) && !moving.contains(session)) {
                wanted.add(new PlannedMove(session, from, to, kindOf(nodes.get(from), timelines.get(from))));
            }
        }
        // Failovers first, then drains, health and rebalancing; by session id within a kind (stable iteration).
        wanted.sort(Comparator.comparing(PlannedMove::kind));
        // a failover now, or a recorded move off a node that is gone or down since (a failover, or a drained
        // node that exited), marks the window in which nodes restore sessions
        boolean settling = wanted.stream().anyMatch(m -> m.kind() == MoveKind.FAILOVER)
                || moveRecords.stream()
                        .anyMatch(r -> r.startedAt().isAfter(windowStart)
                                && kindOf(nodes.get(r.from()), null) == MoveKind.FAILOVER);

        List<PlannedMove> moves = new ArrayList<>();
        List<Deferral> deferred = new ArrayList<>();
        for (PlannedMove move : wanted) {
            DeferReason reason = settling && move.kind() == MoveKind.REBALANCE
                    ? DeferReason.SETTLING
                    : reasonToWait(move, nodes, load, recent, inFlight, timelines, now);
            if (reason != null) {
                deferred.add(new Deferral(move.session(), move.from(), move.to(), move.kind(), reason));
                continue;
            }
            moves.add(move);
            load.merge(move.from(), -1, Integer::sum);
            load.merge(move.to(), 1, Integer::sum);
            recent.merge(move.from(), 1, Integer::sum);
            recent.merge(move.to(), 1, Integer::sum);
            inFlight.merge(move.from(), 1, Integer::sum);
            inFlight.merge(move.to(), 1, Integer::sum);
        }
        // Starts come after moves: a session that was running somewhere has customers waiting on it.
        List<Start> startsNow = new ArrayList<>();
        List<Start> startsWaiting = new ArrayList<>();
        for (Start start : starts) {
            if (hasRoom(nodes.get(start.node()), load)) {
                startsNow.add(start);
                load.merge(start.node(), 1, Integer::sum);
            } else {
                startsWaiting.add(start);
            }
        }
        return new MovePlan(startsNow, moves, deferred, startsWaiting);
    }

    private static MoveKind kindOf(NodeSpec owner, HealthTimeline timeline) {
        if (owner == null || owner.state() == NodeState.DOWN) {
            return MoveKind.FAILOVER;
        }
        if (owner.state() == NodeState.DRAINING) {
            return MoveKind.DRAIN;
        }
        boolean unhealthy = timeline != null ? timeline.unhealthy() : HealthTimeline.isUnhealthy(owner);
        return unhealthy ? MoveKind.HEALTH : MoveKind.REBALANCE;
    }

    /** Why the move must wait, or {@code null} when it may start now. */
    private DeferReason reasonToWait(
            PlannedMove move,
            Map<String, NodeSpec> nodes,
            Map<String, Integer> load,
            Map<String, Integer> recent,
            Map<String, Integer> inFlight,
            Map<String, HealthTimeline> timelines,
            Instant now) {
        if (!hasRoom(nodes.get(move.to()), load)) {
            return DeferReason.TARGET_FULL;
        }
        if (move.kind() == MoveKind.FAILOVER) {
            return null;
        }
        if (move.kind() == MoveKind.HEALTH) {
            HealthTimeline timeline = timelines.get(move.from());
            if (timeline == null || !timeline.unhealthyFor(options.unhealthyGrace(), now)) {
                return DeferReason.GRACE;
            }
            NodeSpec from = nodes.get(move.from());
            NodeSpec to = nodes.get(move.to());
            if (from != null && to.healthWeight() < from.healthWeight() + HEALTH_MARGIN) {
                return DeferReason.TARGET_NOT_HEALTHIER;
            }
        }
        int limit = options.maxMovesPerNodePerMinute();
        if (recent.getOrDefault(move.from(), 0) >= limit || recent.getOrDefault(move.to(), 0) >= limit) {
            return DeferReason.RATE_LIMIT;
        }
        int flying = options.maxInFlightPerNode();
        if (inFlight.getOrDefault(move.from(), 0) >= flying || inFlight.getOrDefault(move.to(), 0) >= flying) {
            return DeferReason.IN_FLIGHT;
        }
        return null;
    }

    private static boolean hasRoom(NodeSpec node, Map<String, Integer> load) {
        return node != null && load.getOrDefault(node.nodeId(), 0) < node.capacity();
    }
}
