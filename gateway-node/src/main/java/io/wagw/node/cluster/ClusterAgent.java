package io.wagw.node.cluster;

import com.sun.management.OperatingSystemMXBean;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.session.SessionControl;
import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.session.SessionRuntimeException;
import io.wagw.router.cluster.AssignmentChange;
import io.wagw.router.cluster.ClusterNode;
import io.wagw.router.cluster.ClusterSettings;
import io.wagw.router.health.NodeMetrics;
import io.wagw.router.rebalance.PolicyOptions;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.StoreOutage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster: it publishes the node's health, runs exactly the sessions the
 * coordinator assigns to it (starting a session waits until the previous owner's lease is released or
 * expired; stopping saves the snapshot and releases it), reports what it runs, and drains on request.
 * The session store's lease fencing, not this class, guarantees a session never runs twice.
 */
public final class ClusterAgent implements SessionControl, SessionListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterAgent.class);
    private static final Duration RECENT = Duration.ofMinutes(5);
    private static final long LEASE_RETRY_MS = 250;
    /** A retry at a dead owner's lease expiry comes this much later (clocks and the database round trip). */
    private static final long LEASE_EXPIRY_MARGIN_MS = 30;
    /** Memory a node may give Chromium per session slot, for the health weight's memory pressure. */
    private static final long CHROMIUM_BUDGET_PER_SESSION = 300L * 1024 * 1024;

    private final ClusterNode cluster;
    private final SessionRuntime runtime;
    private final SessionStore store;
    private final String me;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().name("cluster-agent").daemon(true).factory());
    /** Health goes out on its own thread: if it waited behind session work it could look stale (DOWN). */
    private final ScheduledExecutorService healthTimer = Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().name("cluster-health").daemon(true).factory());

    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    /** Sessions whose start waits for a previous owner's lease, with a retry scheduled. */
    private final Set<String> leaseRetries = ConcurrentHashMap.newKeySet();

    private final Deque<Instant> crashes = new ArrayDeque<>();
    private final Deque<Instant> startFailures = new ArrayDeque<>();
    private final Runnable onDrained;
    private volatile boolean closed;
    private long lastCrashCount;
    private double cpuAverage = -1;

    private ClusterAgent(ClusterNode cluster, SessionRuntime runtime, SessionStore store, Runnable onDrained) {
        this.cluster = cluster;
        this.runtime = runtime;
        this.store = store;
        this.me = cluster.localNodeId();
        this.onDrained = onDrained;
    }

    /** Joins the cluster configured by {@code GW_CLUSTER_*} and starts following its assignment table. */
    public static ClusterAgent join(NodeConfig config, SessionRuntime runtime, SessionStore store, Runnable onDrained) {
        String bind = "0.0.0.0".equals(config.httpHost()) ? "127.0.0.1" : config.httpHost();
        var settings = ClusterSettings.defaults(config.nodeId(), config.advertisedUrl(), bind, config.clusterMembers())
                .withClusterName(config.clusterName())
                .withPort(config.clusterPort())
                .withTimings(
                        config.clusterFailureDetection(),
                        Duration.ofSeconds(
                                Math.min(2, config.clusterFailureDetection().toSeconds() - 1)),
                        Duration.ofSeconds(1))
                .withPolicy(new PolicyOptions(
                        config.clusterMovesPerMinute(),
                        PolicyOptions.defaults().unhealthyGrace(),
                        PolicyOptions.defaults().maxInFlightPerNode()));
        ClusterNode cluster = ClusterNode.join(settings);
        var agent = new ClusterAgent(cluster, runtime, store, onDrained);
        runtime.addListener(agent);
        cluster.onAssignmentChange(agent::changed);
        // the wanted set lives in memory: after a whole-cluster restart it comes back from the store
        store.sessions().desiredRunning().forEach(session -> cluster.setWanted(session, true));
        agent.publishHealth();
        agent.healthTimer.scheduleWithFixedDelay(agent::publishHealth, 1, 1, TimeUnit.SECONDS);
        agent.timer.scheduleWithFixedDelay(agent::reconcileAll, 3, 3, TimeUnit.SECONDS);
        agent.reconcileAll();
        log.info(
                "node {} joined cluster '{}' with {} member(s)",
                config.nodeId(),
                config.clusterName(),
                cluster.members().size());
        return agent;
    }

    public ClusterNode cluster() {
        return cluster;
    }

    // ---- SessionControl: requests from the API of any node ------------------------------------------

    @Override
    public void start(String session) {
        store.sessions().setDesiredRunning(session, true); // unknown sessions get a clear error here
        cluster.setWanted(session, true);
    }

    @Override
    public void stop(String session) {
        store.sessions().setDesiredRunning(session, false);
        cluster.setWanted(session, false);
    }

    /**
     * Where a call for {@code session} goes: the node running it (or, when none runs it, the node it is
     * assigned to) unless that is this node, and whether it is moving between nodes (assigned
     * to one, still running on another). One look at each routing table.
     */
    public Route route(String session) {
        Optional<String> assigned = cluster.assignmentOf(session).map(a -> a.nodeId());
        Optional<String> runner = cluster.runnerOf(session);
        Optional<String> owner = runner.or(() -> assigned);
        boolean moving = assigned.isPresent() && runner.isPresent() && !assigned.equals(runner);
        return new Route(
                owner.filter(n -> !n.equals(me))
                        .flatMap(n -> cluster.httpUrlOf(n).map(url -> new Owner(n, url))),
                moving);
    }

    /** See {@link #route}. */
    public record Route(Optional<Owner> remoteOwner, boolean moving) {}

    /** A node that runs a session: its id and the HTTP URL it advertises in the cluster. */
    public record Owner(String nodeId, String httpUrl) {}

    public String localNodeId() {
        return me;
    }

    /** Asks the cluster to move this node's sessions away, one by one; {@code onDrained} runs when none is left. */
    public void drainSelf() {
        cluster.requestDrain(me);
    }

    /** Waits (bounded) until this node runs no session and has none assigned. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (drained()) {
                return true;
            }
            Thread.sleep(250);
        }
        return drained();
    }

    private boolean drained() {
        return runtime.sessions().isEmpty()
                && cluster.assignments().values().stream()
                        .noneMatch(a -> a.nodeId().equals(me));
    }

    // ---- following the assignment table ------------------------------------------------------------

    private void changed(AssignmentChange change) {
        if (change.gainedBy(me) || change.lostBy(me)) {
            // The event, not a read of the table: this node's near cache of it can still hold the entry before
            // the change for a moment (the invalidation travels apart from the event). After a failover that
            // read found half of the dead node's sessions still assigned to it, and they waited for the next
            // full round (up to 3 s) before their takeover was prepared. A later change queues behind this one.
            boolean mine = change.gainedBy(me);
            lane(change.session()).execute(() -> reconcile(change.session(), mine));
        }
    }

    private void reconcileAll() {
        if (closed) {
            return;
        }
        Set<String> sessions = new HashSet<>();
        cluster.assignments().forEach((s, a) -> {
            if (a.nodeId().equals(me)) {
                sessions.add(s);
            }
        });
        runtime.sessions().forEach(v -> sessions.add(v.name()));
        for (String s : sessions) {
            lane(s).execute(() -> reconcile(s));
        }
        if (cluster.draining().contains(me) && drained() && onDrained != null) {
            log.info("node {} is drained", me);
            timer.execute(onDrained);
        }
    }

    private void reconcile(String session) {
        reconcile(
                session,
                cluster.assignmentOf(session).map(a -> a.nodeId().equals(me)).orElse(false));
    }

    /** Runs {@code session} here when {@code mine}, stops it here when not. */
    private void reconcile(String session, boolean mine) {
        if (closed) {
            return;
        }
        boolean running = runtime.runs(session);
        try {
            if (mine && !running) {
                runtime.start(session);
                cluster.reportRunning(session, true);
            } else if (!mine && running) {
                log.info("session {} is assigned elsewhere now; stopping it here", session);
                runtime.stop(session);
                cluster.reportRunning(session, false);
            } else if (mine) {
                cluster.reportRunning(session, true);
            } else {
                runtime.discardPrepared(session);
            }
        } catch (SessionRuntimeException e) {
            switch (e.code()) {
                case LEASED_ELSEWHERE -> {
                    // a move (the owner releases the lease when it stopped) or a failover (a departed owner's
                    // lease runs out within the TTL): try again soon, not at the next round. For a failover,
                    // prepare the session's context meanwhile and try when the lease expires.
                    log.debug("session {}: {}; will retry", session, e.getMessage());
                    long retryMs = e.heldBy()
                            .flatMap(lease -> runtime.prepareTakeover(lease, this::leftTheCluster))
                            .map(expires -> Math.clamp(
                                    Duration.between(Instant.now(), expires).toMillis() + LEASE_EXPIRY_MARGIN_MS,
                                    LEASE_RETRY_MS,
                                    runtime.config().leaseTtl().toMillis()))
                            .orElse(LEASE_RETRY_MS);
                    if (!closed && leaseRetries.add(session)) {
                        timer.schedule(
                                () -> {
                                    leaseRetries.remove(session);
                                    lane(session).execute(() -> reconcile(session));
                                },
                                retryMs,
                                TimeUnit.MILLISECONDS);
                    }
                }
                case CAPACITY_REACHED -> log.debug("session {}: {}; will retry", session, e.getMessage());
                case ALREADY_RUNNING -> cluster.reportRunning(session, true);
                case NOT_FOUND, TENANT_INACTIVE -> {
                    log.info("session {} cannot run ({}); no longer wanted", session, e.getMessage());
                    cluster.setWanted(session, false);
                }
                default -> {
                    recordStartFailure();
                    log.warn("session {}: {}", session, e.getMessage());
                }
            }
        } catch (StoreException e) {
            recordStartFailure();
            log.warn("session {}: {}", session, e.getMessage());
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                throw e;
            }
            // the database is away: not this node's failure; the next round tries again
            log.debug("session {}: the database is not reachable; will retry", session);
        }
    }

    private boolean leftTheCluster(String nodeId) {
        return cluster.members().stream().noneMatch(m -> m.nodeId().equals(nodeId));
    }

    @Override
    public void onLeft(String session, boolean gaveUp) {
        cluster.reportRunning(session, false);
        if (gaveUp) {
            // a QR nobody scanned or a FAILED session is not restarted elsewhere
            cluster.setWanted(session, false);
            store.sessions().setDesiredRunning(session, false);
        }
    }

    private ExecutorService lane(String session) {
        return lanes.computeIfAbsent(
                session,
                s -> Executors.newSingleThreadExecutor(
                        Thread.ofVirtual().name("cluster-" + s).factory()));
    }

    // ---- health ---------------------------------------------------------------------------------------

    private synchronized void recordStartFailure() {
        startFailures.add(Instant.now());
    }

    private void publishHealth() {
        if (closed) {
            return;
        }
        try {
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long liveHeap = liveHeapBytes(heap.getUsed());
            double sample = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                    ? os.getCpuLoad()
                    : -1;
            double cpu = smoothCpu(sample);
            int capacity = runtime.config().maxSessions();
            int crashesRecently;
            int failuresRecently;
            synchronized (this) {
                long total = runtime.metrics().browserCrashes();
                for (long i = lastCrashCount; i < total; i++) {
                    crashes.add(Instant.now());
                }
                lastCrashCount = total;
                Instant cutoff = Instant.now().minus(RECENT);
                crashes.removeIf(t -> t.isBefore(cutoff));
                startFailures.removeIf(t -> t.isBefore(cutoff));
                crashesRecently = crashes.size();
                failuresRecently = startFailures.size();
            }
            cluster.publishHealth(new NodeMetrics(
                    me,
                    Instant.now(),
                    capacity,
                    runtime.sessions().size(),
                    liveHeap,
                    Math.max(0, heap.getMax()),
                    runtime.pool().chromiumPssBytes(),
                    capacity * CHROMIUM_BUDGET_PER_SESSION,
                    cpu,
                    failuresRecently,
                    crashesRecently,
                    cluster.draining().contains(me)));
        } catch (RuntimeException e) {
            log.warn("publishing health failed: {}", e.getMessage());
        }
    }

    /** Stops starting and stopping sessions (before the node stops its sessions for shutdown). */
    public void stopFollowing() {
        closed = true;
    }

    /**
     * CPU load averaged over about half a minute: a node's share should follow its sustained load, not the
     * second it was sampled in (instantaneous samples made sessions move back and forth).
     */
    private synchronized double smoothCpu(double sample) {
        if (sample < 0 || Double.isNaN(sample)) {
            return cpuAverage;
        }
        cpuAverage = cpuAverage < 0 ? sample : cpuAverage + (sample - cpuAverage) / 30.0;
        return cpuAverage;
    }

    /**
     * Heap still in use after the last collection: the used heap right now includes garbage a collector
     * lets pile up, which would make every busy node look short of memory.
     */
    private static long liveHeapBytes(long fallback) {
        long live = 0;
        boolean known = false;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
                known = true;
            }
        }
        return known && live > 0 ? live : fallback;
    }

    /** Leaves the cluster (its sessions must have been stopped first, or they move after the lease expires). */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        healthTimer.shutdownNow();
        lanes.values().forEach(ExecutorService::shutdownNow);
        cluster.close();
    }
}
