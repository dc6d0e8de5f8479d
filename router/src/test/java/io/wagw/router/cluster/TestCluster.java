package io.wagw.router.cluster;

import com.hazelcast.core.Hazelcast;
import io.wagw.router.placement.PlacementOptions;
import io.wagw.router.rebalance.PolicyOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Real Hazelcast members in this JVM on 127.0.0.1, each with a {@link FakeRuntime} standing in for the session
 * runtime. Short timings: failure detection 3 s, health every 300 ms, a coordinator round every 250 ms.
 */
final class TestCluster implements AutoCloseable {
    static final Duration FAILURE_DETECTION = Duration.ofSeconds(3);
    static final Duration HEALTH_INTERVAL = Duration.ofMillis(300);
    static final Duration ROUND = Duration.ofMillis(250);
    static final int CAPACITY = 20;
    /** K high enough that only "one move in flight per node" paces the tests. */
    static final PolicyOptions POLICY = new PolicyOptions(120, Duration.ofSeconds(30), 1);

    private static final AtomicInteger NEXT_PORT =
            new AtomicInteger(15701 + (int) (ProcessHandle.current().pid() % 200) * 10);

    private final String clusterName = "test-" + UUID.randomUUID();
    private final List<String> addresses = new ArrayList<>();
    private final Map<String, ClusterSettings> settings = new LinkedHashMap<>();
    private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    private final Map<String, FakeRuntime> runtimes = new LinkedHashMap<>();

    /** Reserves addresses for {@code size} nodes named node-1 … node-size, all in each other's member list. */
    TestCluster(int size) {
        for (int i = 1; i <= size; i++) {
            addresses.add("127.0.0.1:" + NEXT_PORT.getAndIncrement());
        }
    }

    /** Starts node-{@code index} (1-based) with its fake runtime. */
    ClusterNode start(int index) {
        String nodeId = "node-" + index;
        int port = Integer.parseInt(addresses.get(index - 1).split(":")[1]);
        ClusterSettings s = ClusterSettings.defaults(
                        nodeId, "http://127.0.0.1:" + (18000 + index), "127.0.0.1", addresses)
                .withClusterName(clusterName)
                .withPort(port)
                .withTimings(FAILURE_DETECTION, HEALTH_INTERVAL, ROUND)
                .withPolicy(POLICY)
                .withPlacement(new PlacementOptions(0.25, 160, CAPACITY));
        ClusterNode node = ClusterNode.join(s);
        settings.put(nodeId, s);
        nodes.put(nodeId, node);
        FakeRuntime runtime = new FakeRuntime(node, CAPACITY);
        runtimes.put(nodeId, runtime);
        runtime.start();
        return node;
    }

    TestCluster startAll() {
        for (int i = 1; i <= addresses.size(); i++) {
            start(i);
        }
        awaitMembers(addresses.size());
        return this;
    }

    ClusterSettings settings(String nodeId) {
        return settings.get(nodeId);
    }

    /** A port no other test cluster of this JVM uses. */
    static int freePort() {
        return NEXT_PORT.getAndIncrement();
    }

    ClusterNode node(String nodeId) {
        return nodes.get(nodeId);
    }

    FakeRuntime runtime(String nodeId) {
        return runtimes.get(nodeId);
    }

    /** A running node other than {@code except}. */
    ClusterNode anyNodeBut(String except) {
        return nodes.entrySet().stream()
                .filter(e -> !e.getKey().equals(except) && e.getValue().isRunning())
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
    }

    List<ClusterNode> liveNodes() {
        return nodes.values().stream().filter(ClusterNode::isRunning).toList();
    }

    void awaitMembers(int count) {
        await(
                Duration.ofSeconds(20),
                () -> liveNodes().stream().allMatch(n -> n.members().size() == count));
    }

    /** The closest thing to kill -9 in one JVM: the member vanishes without telling anyone. */
    void kill(String nodeId) {
        runtimes.get(nodeId).stop();
        Hazelcast.getHazelcastInstanceByName("wagw-" + nodeId)
                .getLifecycleService()
                .terminate();
        nodes.get(nodeId).close();
    }

    /** Graceful leave. */
    void stop(String nodeId) {
        runtimes.get(nodeId).stop();
        nodes.get(nodeId).close();
    }

    static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        runtimes.values().forEach(FakeRuntime::stop);
        // The cluster's data is of no further use: terminating skips the migrations of a graceful leave.
        nodes.forEach((nodeId, node) -> {
            if (node.isRunning()) {
                Hazelcast.getHazelcastInstanceByName("wagw-" + nodeId)
                        .getLifecycleService()
                        .terminate();
            }
            node.close();
        });
    }
}
