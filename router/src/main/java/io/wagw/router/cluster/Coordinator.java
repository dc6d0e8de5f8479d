package io.wagw.router.cluster;

import io.wagw.router.health.HealthScore;
import io.wagw.router.health.NodeMetrics;
import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import io.wagw.router.placement.Placement;
import io.wagw.router.rebalance.HealthTimeline;
import io.wagw.router.rebalance.MovePlan;
import io.wagw.router.rebalance.MoveRecord;
import io.wagw.router.rebalance.PlannedMove;
import io.wagw.router.rebalance.PolicyOptions;
import io.wagw.router.rebalance.RebalancePolicy;
import io.wagw.router.rebalance.Start;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that turns the shared tables into the assignment table. It runs in every node, one round every
 * {@link ClusterSettings#coordinatorRound()}, and acts only while its node is the coordinator (the oldest member).
 *
 * <p>A round, as {@link RebalancePolicy} describes it:
 * <ol>
 *   <li>forget the health, running and drain entries of departed members;</li>
 *   <li>node specs from the members and their health ({@link HealthScore}; capacity from the metrics); a member
 *       without health, or whose health did not change for {@value #STALE_HEALTH_FACTOR} ×
 *       {@link ClusterSettings#failureDetection()}, is
 *       {@code DOWN}; a member asked to drain is {@code DRAINING};</li>
 *   <li>drop the assignments of sessions no longer wanted;</li>
 *   <li>finish the moves whose target reports the session running (or whose target left, or that took longer
 *       than {@link #MOVE_TIMEOUT});</li>
 *   <li>{@code observe}, {@code placementView}, {@code Placement.rebalance} from the stored desired placement,
 *       {@code plan}; write the starts and moves into the assignment table and keep the desired placement and
 *       the move records in the cluster, so a new coordinator carries on where the old one stopped.</li>
 * </ol>
 * Health timelines are the one thing a new coordinator starts afresh: a node that was already unhealthy gets a
 * new grace period, which errs on the side of not moving.
 */
final class Coordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    /** After this long without the target reporting the session running, a move stops counting as in flight. */
    static final Duration MOVE_TIMEOUT = Duration.ofMinutes(2);
    /** Health older than this many failure-detection windows makes a still-listed member DOWN. */
    static final int STALE_HEALTH_FACTOR = 3;
    /** A weight below this makes a node {@code DEGRADED}. */
    static final double DEGRADED_BELOW = 0.75;

    /** What the coordinator reads and writes; implemented over the distributed maps. */
    interface Tables {
        boolean isCoordinator();

        List<ClusterMember> members();

        Map<String, NodeMetrics> health();

        Set<String> draining();

        Set<String> wanted();

        Map<String, Assignment> assignments();

        Map<String, String> running();

        Optional<DesiredPlacement> desired();

        void saveDesired(DesiredPlacement desired);

        List<MoveRecord> moveRecords();

        void saveMoveRecords(List<MoveRecord> records);

        /** Writes {@code session → node} for every entry, each with a new cluster-wide version. */
        void assign(Map<String, String> owners);

        void unassign(Collection<String> sessions);

        /** Removes the health, running and drain entries of nodes that are not in {@code memberIds}. */
        void forgetDeparted(Set<String> memberIds);
    }

    /** When the coordinator first saw a node's current metrics, by its own clock. */
    private record Seen(Instant publishedAt, Instant seenAt) {}

    private final Tables tables;
    private final ClusterSettings settings;
    private final RebalancePolicy policy;
    private final HealthScore score;
    private final Clock clock;
    private final ScheduledExecutorService loop;

    private boolean acting;
    private Map<String, HealthTimeline> timelines = Map.of();
    private final Map<String, Seen> seen = new HashMap<>();
    private DesiredPlacement desired;

    Coordinator(Tables tables, ClusterSettings settings, Clock clock) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = new RebalancePolicy(settings.policy());
        // A member Hazelcast still lists is alive; health that stands still for a while only means it is slow
        // (a loaded machine). Treating it as DOWN at once evacuated every session of busy nodes back and forth.
        this.score = new HealthScore(settings.failureDetection().multipliedBy(STALE_HEALTH_FACTOR), DEGRADED_BELOW);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "wagw-coordinator-" + settings.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        long period = settings.coordinatorRound().toMillis();
        loop.scheduleWithFixedDelay(this::safeRound, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a round now rather than at the next tick: a member that left has sessions to place, and every
     * millisecond until they have a new owner adds to the failover.
     */
    void nudge() {
        try {
            loop.execute(this::safeRound);
        } catch (RejectedExecutionException closed) {
            // shutting down
        }
    }

    private void safeRound() {
        try {
            round();
        } catch (RuntimeException e) {
            // The next round starts from the shared tables again; a failed round changes nothing on its own.
            if (!loop.isShutdown()) {
                log.warn("coordinator round on {} failed: {}", settings.nodeId(), e.toString());
            }
            stepDown();
        }
    }

    private void stepDown() {
        acting = false;
        timelines = Map.of();
        seen.clear();
        desired = null;
    }

    /** One round; does nothing unless this node is the coordinator. */
    void round() {
        if (!tables.isCoordinator()) {
            if (acting) {
                log.info("node {} is no longer the coordinator", settings.nodeId());
                stepDown();
            }
            return;
        }
        if (!acting) {
            log.info("node {} is the coordinator", settings.nodeId());
            acting = true;
        }
        Instant now = clock.instant();
        Set<String> memberIds = new HashSet<>();
        tables.members().forEach(m -> memberIds.add(m.nodeId()));
        tables.forgetDeparted(memberIds);

        List<NodeSpec> specs = specs(memberIds, tables.health(), tables.draining(), now);
        Set<String> wanted = tables.wanted();
        Map<String, String> running = tables.running();
        Map<String, String> current = currentTable(wanted, running, memberIds);

        List<MoveRecord> storedRecords = tables.moveRecords();
        List<MoveRecord> records = updateRecords(storedRecords, current, running, memberIds, now);

        timelines = RebalancePolicy.observe(timelines, specs, now);
        List<NodeSpec> view = policy.placementView(specs, timelines, now);
        if (desired == null) {
            desired = tables.desired().orElseGet(() -> new DesiredPlacement(current, view));
        }
        var placement = Placement.rebalance(desired.owners(), desired.nodes(), view, wanted, settings.placement());
        MovePlan plan = policy.plan(current, placement, timelines, records, now);

        Map<String, String> writes = new TreeMap<>();
        for (Start start : plan.starts()) {
            writes.put(start.session(), start.node());
        }
        List<MoveRecord> nextRecords = new ArrayList<>(records);
        for (PlannedMove move : plan.moves()) {
            writes.put(move.session(), move.to());
            nextRecords.add(MoveRecord.started(move, now));
        }
        tables.assign(writes);

        DesiredPlacement next = new DesiredPlacement(placement.owners(), placement.nodes());
        if (!next.equals(desired)) {
            tables.saveDesired(next);
            desired = next;
        }
        if (!nextRecords.equals(storedRecords)) {
            tables.saveMoveRecords(nextRecords);
        }
        if (!writes.isEmpty()) {
            log.info(
                    "coordinator {}: {} started, {} moved ({}), {} deferred, {} waiting for room",
                    settings.nodeId(),
                    plan.starts().size(),
                    plan.moves().size(),
                    plan.moves().stream()
                            .map(m -> m.session() + " " + m.from() + "→" + m.to() + " " + m.kind())
                            .toList(),
                    plan.deferred().size(),
                    plan.startsWaiting().size());
        }
    }

    /** One spec per member; health judged by when this coordinator saw it change, not by the publisher's clock. */
    private List<NodeSpec> specs(
            Set<String> memberIds, Map<String, NodeMetrics> health, Set<String> draining, Instant now) {
        seen.keySet().retainAll(memberIds);
        List<NodeSpec> specs = new ArrayList<>();
        for (String nodeId : memberIds) {
            NodeMetrics metrics = health.get(nodeId);
            NodeSpec spec;
            if (metrics == null) {
                spec = new NodeSpec(nodeId, 0, 0.0, NodeState.DOWN);
            } else {
                // Clocks of different machines disagree; the age that counts is how long the metrics stood still.
                Seen last = seen.get(nodeId);
                if (last == null || !last.publishedAt().equals(metrics.publishedAt())) {
                    last = new Seen(metrics.publishedAt(), now);
                    seen.put(nodeId, last);
                }
                spec = score.evaluate(metrics.withPublishedAt(last.seenAt()), now)
                        .toSpec();
            }
            if (draining.contains(nodeId) && spec.state() != NodeState.DOWN) {
                spec = spec.withState(NodeState.DRAINING);
            }
            specs.add(spec);
        }
        return specs;
    }

    /**
     * The assignment table restricted to wanted sessions; assignments of sessions no longer wanted are removed,
     * and a wanted session that a live member runs without an assignment is adopted where it runs.
     */
    private Map<String, String> currentTable(Set<String> wanted, Map<String, String> running, Set<String> memberIds) {
        Map<String, String> current = new LinkedHashMap<>();
        List<String> unwanted = new ArrayList<>();
        tables.assignments().forEach((session, assignment) -> {
            if (wanted.contains(session)) {
                current.put(session, assignment.nodeId());
            } else {
                unwanted.add(session);
            }
        });
        tables.unassign(unwanted);
        Map<String, String> adopted = new TreeMap<>();
        for (String session : wanted) {
            String runner = running.get(session);
            if (!current.containsKey(session) && runner != null && memberIds.contains(runner)) {
                adopted.put(session, runner);
            }
        }
        tables.assign(adopted);
        current.putAll(adopted);
        return current;
    }

    private static List<MoveRecord> updateRecords(
            List<MoveRecord> records,
            Map<String, String> current,
            Map<String, String> running,
            Set<String> memberIds,
            Instant now) {
        Instant windowStart = now.minus(PolicyOptions.WINDOW);
        List<MoveRecord> next = new ArrayList<>();
        for (MoveRecord record : records) {
            boolean over = record.finished()
                    || record.to().equals(running.get(record.session()))
                    || !memberIds.contains(record.to())
                    || !record.to().equals(current.get(record.session()))
                    || !record.startedAt().plus(MOVE_TIMEOUT).isAfter(now);
            MoveRecord updated = over && !record.finished() ? record.markFinished() : record;
            if (!updated.finished() || updated.startedAt().isAfter(windowStart)) {
                next.add(updated);
            }
        }
        return next;
    }
}
