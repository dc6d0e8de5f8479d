package io.wagw.router.cluster;

import io.wagw.router.health.NodeMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for a node's session runtime: publishes healthy metrics, runs the sessions assigned to the node and
 * stops those assigned elsewhere, reporting both, and remembers when it started each session.
 */
final class FakeRuntime {
    private final ClusterNode node;
    private final int capacity;
    private final Map<String, Instant> runningSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private volatile boolean draining;

    FakeRuntime(ClusterNode node, int capacity) {
        this.node = node;
        this.capacity = capacity;
    }

    void start() {
        long health = node.settings().healthInterval().toMillis();
        loop.scheduleWithFixedDelay(this::publish, 0, health, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::reconcile, 0, 100, TimeUnit.MILLISECONDS);
    }

    void stop() {
        loop.shutdownNow();
    }

    void setDraining(boolean draining) {
        this.draining = draining;
    }

    Set<String> sessions() {
        return Set.copyOf(runningSince.keySet());
    }

    Instant runningSince(String session) {
        return runningSince.get(session);
    }

    private void publish() {
        try {
            node.publishHealth(new NodeMetrics(node.localNodeId(), Instant.now(), capacity, runningSince.size(),
                    100, 1000, 0, 0, -1, 0, 0, draining));
        } catch (RuntimeException e) {
            // the member was stopped under us
        }
    }

    private void reconcile() {
        try {
            String me = node.localNodeId();
            Map<String, Assignment> table = node.assignments();
            for (String session : Set.copyOf(runningSince.keySet())) {
                Assignment a = table.get(session);
                if (a == null || !a.nodeId().equals(me)) {
                    runningSince.remove(session);
                    node.reportRunning(session, false);
                }
            }
            table.values().stream().filter(a -> a.nodeId().equals(me) && !runningSince.containsKey(a.session()))
                    .forEach(a -> {
                        runningSince.put(a.session(), Instant.now());
                        node.reportRunning(a.session(), true);
                    });
        } catch (RuntimeException e) {
            // the member was stopped under us
        }
    }
}
