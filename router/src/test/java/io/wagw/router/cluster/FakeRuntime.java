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
 * Stands in for a node's session runtime: publishes healthy metrics, runs the sessions assigned to the node once
 * no other node reports running them, stops those assigned elsewhere, reports both, and remembers when it started
 * each session.
 */
final class FakeRuntime {
    private final ClusterNode node;
    private final int capacity;
    private final Map<String, Instant> runningSince = new ConcurrentHashMap<>();
    // Two threads: health must keep flowing while session work waits on the cluster, as in a real node.
    private final ScheduledExecutorService loop = Executors.newScheduledThreadPool(2);
    private volatile boolean publishing = true;

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

    /** Stops publishing health while the member stays alive, like a node whose process hangs. */
    void stopPublishing() {
        publishing = false;
    }

    Set<String> sessions() {
        return Set.copyOf(runningSince.keySet());
    }

    Instant runningSince(String session) {
        return runningSince.get(session);
    }

    private void publish() {
        if (!publishing) {
            return;
        }
        try {
            node.publishHealth(new NodeMetrics(
                    node.localNodeId(),
                    Instant.now(),
                    capacity,
                    runningSince.size(),
                    100,
                    1000,
                    0,
                    0,
                    -1,
                    0,
                    0,
                    false));
        } catch (RuntimeException e) {
            // the member was stopped under us
        }
    }

    private void reconcile() {
        try {
            String me = node.localNodeId();
            Map<String, Assignment> table = node.assignments();
            Map<String, String> runners = node.running();
            for (String session : Set.copyOf(runningSince.keySet())) {
                Assignment a = table.get(session);
                if (a == null || !a.nodeId().equals(me)) {
                    runningSince.remove(session);
                    node.reportRunning(session, false);
                }
            }
            // Like the lease in the session store: start only once the previous runner let go.
            table.values().stream()
                    .filter(a -> a.nodeId().equals(me) && !runningSince.containsKey(a.session()))
                    .filter(a -> runners.getOrDefault(a.session(), me).equals(me))
                    .forEach(a -> {
                        runningSince.put(a.session(), Instant.now());
                        node.reportRunning(a.session(), true);
                    });
        } catch (RuntimeException e) {
            // the member was stopped under us
        }
    }
}
