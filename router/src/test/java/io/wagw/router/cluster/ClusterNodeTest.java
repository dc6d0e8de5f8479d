package io.wagw.router.cluster;

import static io.wagw.router.cluster.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.wagw.router.health.NodeMetrics;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What every node sees of the cluster: members, coordinator, shared tables and assignment events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterNodeTest {
    private TestCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = new TestCluster(3).startAll();
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    @Test
    void everyMemberSeesAllMembersWithTheirNodeIdsAndUrlsOldestFirst() {
        for (String self : List.of("node-1", "node-2", "node-3")) {
            List<ClusterMember> members = cluster.node(self).members();
            assertThat(members).extracting(ClusterMember::nodeId).containsExactly("node-1", "node-2", "node-3");
            assertThat(members)
                    .extracting(ClusterMember::httpUrl)
                    .containsExactly("http://127.0.0.1:18001", "http://127.0.0.1:18002", "http://127.0.0.1:18003");
            assertThat(members)
                    .filteredOn(ClusterMember::local)
                    .extracting(ClusterMember::nodeId)
                    .containsExactly(self);
            assertThat(members)
                    .allSatisfy(
                            m -> assertThat(m.since()).isBefore(Instant.now().plusMillis(1)));
        }
        assertThat(cluster.node("node-3").httpUrlOf("node-2")).contains("http://127.0.0.1:18002");
        assertThat(cluster.node("node-3").httpUrlOf("node-9")).isEmpty();
    }

    @Test
    void onlyTheOldestMemberIsCoordinator() {
        assertThat(cluster.node("node-1").isCoordinator()).isTrue();
        assertThat(cluster.node("node-2").isCoordinator()).isFalse();
        assertThat(cluster.node("node-3").isCoordinator()).isFalse();
    }

    @Test
    void everyNodeSeesTheHealthOfEveryMember() {
        await(Duration.ofSeconds(5), () -> cluster.node("node-2").health().size() == 3);
        assertThat(cluster.node("node-2").health())
                .containsOnlyKeys("node-1", "node-2", "node-3")
                .allSatisfy((nodeId, metrics) -> {
                    assertThat(metrics.nodeId()).isEqualTo(nodeId);
                    assertThat(metrics.capacity()).isEqualTo(TestCluster.CAPACITY);
                });
    }

    @Test
    void aNodeCannotPublishAnotherNodesHealth() {
        NodeMetrics forged = new NodeMetrics("node-2", Instant.now(), 5, 0, 0, 0, 0, 0, -1, 0, 0, false);

        assertThatThrownBy(() -> cluster.node("node-1").publishHealth(forged))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node-2");
    }

    @Test
    void onlyTheRunnerCanClearItsRunningReport() {
        ClusterNode one = cluster.node("node-1");
        ClusterNode two = cluster.node("node-2");

        one.reportRunning("tenant-7/manual", true);
        assertThat(two.runnerOf("tenant-7/manual")).contains("node-1");
        two.reportRunning("tenant-7/manual", false);
        assertThat(two.runnerOf("tenant-7/manual")).contains("node-1");
        one.reportRunning("tenant-7/manual", false);

        // other members keep a near cache of this table for routing: the change reaches them within moments
        await(Duration.ofSeconds(1), () -> two.runnerOf("tenant-7/manual").isEmpty());
        assertThat(two.running()).doesNotContainKey("tenant-7/manual");
    }

    @Test
    void assignmentListenersSeeEachChangeWithItsBeforeAndAfter() {
        List<AssignmentChange> changes = new CopyOnWriteArrayList<>();
        cluster.node("node-3").onAssignmentChange(change -> {
            if (change.session().equals("tenant-8/watched")) {
                changes.add(change);
            }
        });

        cluster.node("node-2").setWanted("tenant-8/watched", true);
        await(Duration.ofSeconds(5), () -> changes.size() == 1);
        AssignmentChange added = changes.getFirst();
        assertThat(added.before()).isNull();
        assertThat(added.after().session()).isEqualTo("tenant-8/watched");
        String owner = added.after().nodeId();
        assertThat(added.gainedBy(owner)).isTrue();
        assertThat(cluster.node("node-1").wanted()).contains("tenant-8/watched");

        cluster.node("node-1").requestDrain(owner);
        try {
            await(Duration.ofSeconds(10), () -> changes.size() == 2);
            AssignmentChange moved = changes.get(1);
            assertThat(moved.before()).isEqualTo(added.after());
            assertThat(moved.after().nodeId()).isNotEqualTo(owner);
            assertThat(moved.after().version()).isGreaterThan(moved.before().version());
            assertThat(moved.lostBy(owner)).isTrue();
            assertThat(moved.gainedBy(moved.after().nodeId())).isTrue();
        } finally {
            cluster.node("node-1").cancelDrain(owner);
        }
        assertThat(cluster.node("node-2").draining()).doesNotContain(owner);

        cluster.node("node-3").setWanted("tenant-8/watched", false);
        await(Duration.ofSeconds(5), () -> changes.size() == 3);
        AssignmentChange removed = changes.get(2);
        assertThat(removed.before()).isEqualTo(changes.get(1).after());
        assertThat(removed.after()).isNull();
        assertThat(cluster.node("node-1").assignmentOf("tenant-8/watched")).isEmpty();
    }

    @Test
    void aMemberWithAnotherClusterNameStaysOut() {
        ClusterSettings stranger =
                cluster.settings("node-1").withClusterName("another-deployment").withPort(TestCluster.freePort());
        ClusterSettings renamed = new ClusterSettings(
                "node-9",
                stranger.httpUrl(),
                stranger.clusterName(),
                stranger.bindHost(),
                stranger.port(),
                stranger.members(),
                stranger.failureDetection(),
                stranger.healthInterval(),
                stranger.coordinatorRound(),
                stranger.policy(),
                stranger.placement());

        try (ClusterNode outsider = ClusterNode.join(renamed)) {
            assertThat(outsider.members()).extracting(ClusterMember::nodeId).containsExactly("node-9");
            assertThat(outsider.isCoordinator()).isTrue();
        }
        assertThat(cluster.node("node-1").members()).hasSize(3);
    }

    /** Stands for a deserialisation gadget a foreign member writes into a map: a class no member may read. */
    record Foreign(String command) implements Serializable {}

    @Test
    void aMemberRefusesToDeserialiseClassesOutsideTheStoredRecords() {
        IMap<String, Object> written = hazelcast("node-1").getMap("wagw.probe");
        IMap<String, Object> read = hazelcast("node-2").getMap("wagw.probe");
        written.set("foreign", new Foreign("touch /tmp/owned"));
        written.set("inside-a-map", new HashMap<>(Map.of("value", new Foreign("touch /tmp/owned"))));
        written.set("stored", new Stored.StoredAssignment("tenant-9/probe", "node-1", 7));

        assertThatThrownBy(() -> read.get("foreign"))
                .isInstanceOf(HazelcastSerializationException.class)
                .rootCause()
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining(Foreign.class.getName());
        assertThatThrownBy(() -> read.get("inside-a-map"))
                .isInstanceOf(HazelcastSerializationException.class)
                .rootCause()
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining(Foreign.class.getName());
        assertThat(read.get("stored")).isEqualTo(new Stored.StoredAssignment("tenant-9/probe", "node-1", 7));
    }

    private static HazelcastInstance hazelcast(String nodeId) {
        return Hazelcast.getHazelcastInstanceByName("wagw-" + nodeId);
    }
}
