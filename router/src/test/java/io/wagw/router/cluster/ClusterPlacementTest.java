package io.wagw.router.cluster;

import static io.wagw.router.cluster.TestCluster.FAILURE_DETECTION;
import static io.wagw.router.cluster.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The coordinator placing wanted sessions on real members in this JVM, and moving them when members die, leave,
 * join or drain. Timings are those of {@link TestCluster}: failure detection 3 s, rounds of 250 ms.
 */
class ClusterPlacementTest {
    /** What "detected and replaced" may take on a loaded 2-core machine: detection, a round, the runtime's pick-up. */
    private static final Duration FAILOVER_BOUND = FAILURE_DETECTION.plusSeconds(3);

    private static List<String> sessions(String prefix, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "tenant-" + (i % 5) + "/" + prefix + "-" + i)
                .toList();
    }

    /** The runtimes settle within this after the table stopped changing; see {@link #assertRunOnce}. */
    private static final Duration CONVERGENCE = Duration.ofSeconds(5);

    /** Session → the live nodes whose fake runtime runs it, from one read of each runtime. */
    private static Map<String, List<String>> runners(TestCluster cluster) {
        Map<String, List<String>> runners = new HashMap<>();
        for (ClusterNode node : cluster.liveNodes()) {
            for (String session : cluster.runtime(node.localNodeId()).sessions()) {
                runners.computeIfAbsent(session, s -> new ArrayList<>()).add(node.localNodeId());
            }
        }
        return runners;
    }

    /** Session → node as the fake runtimes run them (a snapshot per runtime, so a session may show twice mid-move). */
    private static Map<String, String> runningOn(TestCluster cluster) {
        Map<String, String> where = new HashMap<>();
        runners(cluster).forEach((session, nodes) -> where.put(session, nodes.getLast()));
        return where;
    }

    /** Session → node as the assignment table names it. */
    private static Map<String, String> assigned(TestCluster cluster) {
        Map<String, String> assigned = new HashMap<>();
        cluster.liveNodes().getFirst().assignments().forEach((session, a) -> assigned.put(session, a.nodeId()));
        return assigned;
    }

    /**
     * Once settled: every session runs on exactly one live node, the one the assignment table names. The runtimes
     * and the table are read one after the other, not at one instant, and a runtime follows the table within its
     * next reconcile (100 ms, longer while partitions migrate after a join): a snapshot taken while the two
     * disagree is taken again, for up to {@link #CONVERGENCE}, and a disagreement that lasts fails with both sides.
     */
    private static Map<String, String> assertRunOnce(TestCluster cluster) {
        long deadline = System.nanoTime() + CONVERGENCE.toNanos();
        while (!consistent(cluster) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(100));
        }
        Map<String, List<String>> runners = runners(cluster);
        Map<String, String> table = assigned(cluster);
        Map<String, String> where = new HashMap<>();
        runners.forEach((session, nodes) -> {
            assertThat(nodes).as("session %s runs on %s", session, nodes).hasSize(1);
            where.put(session, nodes.getFirst());
        });
        where.forEach((session, nodeId) -> assertThat(table.get(session))
                .as("%s: the table names one node, a runtime runs it on another; table %s", session, table)
                .isEqualTo(nodeId));
        return where;
    }

    /** The table read before and after the runtimes is the same, and each of its sessions runs once, where it says. */
    private static boolean consistent(TestCluster cluster) {
        Map<String, String> table = assigned(cluster);
        Map<String, List<String>> runners = runners(cluster);
        Map<String, String> where = new HashMap<>();
        runners.forEach((session, nodes) -> where.put(session, nodes.size() == 1 ? nodes.getFirst() : null));
        return table.equals(assigned(cluster)) && table.equals(where);
    }

    private static Map<String, Long> loads(Map<String, String> table) {
        return table.values().stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    }

    private static long loadOf(Map<String, String> table, String nodeId) {
        return loads(table).getOrDefault(nodeId, 0L);
    }

    /** Wants the sessions and waits until each runs on exactly one node, no node above {@code bound}. */
    private static Map<String, String> placeAndSettle(TestCluster cluster, List<String> sessions, long bound) {
        sessions.forEach(s -> cluster.liveNodes().getLast().setWanted(s, true));
        await(Duration.ofSeconds(15), () -> {
            Map<String, String> where = runningOn(cluster);
            return where.keySet().equals(Set.copyOf(sessions))
                    && loads(where).values().stream().allMatch(l -> l <= bound);
        });
        awaitQuiet(cluster.liveNodes().getFirst(), Duration.ofSeconds(1), Duration.ofSeconds(10));
        return assertRunOnce(cluster);
    }

    /** Waits until the assignment table has not changed for {@code quiet}. */
    private static void awaitQuiet(ClusterNode node, Duration quiet, Duration timeout) {
        AtomicInteger changes = new AtomicInteger();
        node.onAssignmentChange(change -> changes.incrementAndGet());
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        while (seen != changes.get()) {
            seen = changes.get();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("assignments still changing after " + timeout);
            }
            sleep(quiet);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> without(Map<String, String> table, String nodeId) {
        Map<String, String> rest = new HashMap<>(table);
        rest.values().removeIf(nodeId::equals);
        return rest;
    }

    @Test
    void wantedSessionsRunOnceEachWithinTheBound() {
        try (TestCluster cluster = new TestCluster(3).startAll()) {
            List<String> wanted = sessions("line", 30);

            // ceil(1.25 × 30 / 3) = 13
            Map<String, String> where = placeAndSettle(cluster, wanted, 13);

            assertThat(where).hasSize(30);
            assertThat(loads(where)).containsOnlyKeys("node-1", "node-2", "node-3");
            Map<String, Assignment> table = cluster.node("node-2").assignments();
            assertThat(table).hasSize(30);
            where.forEach(
                    (session, node) -> assertThat(table.get(session).nodeId()).isEqualTo(node));
            assertThat(cluster.node("node-3").running()).isEqualTo(where);
        }
    }

    @Test
    void aKilledMembersSessionsMoveToTheSurvivorsWithinTheDetectionWindowAndNoOthersMove() {
        try (TestCluster cluster = new TestCluster(3).startAll()) {
            List<String> wanted = sessions("line", 24);
            Map<String, String> before = placeAndSettle(cluster, wanted, 10);
            assertThat(loadOf(before, "node-3")).isPositive();

            Instant killed = Instant.now();
            cluster.kill("node-3");
            await(FAILOVER_BOUND, () -> runningOn(cluster).keySet().equals(Set.copyOf(wanted)));
            Duration failover = Duration.between(killed, Instant.now());

            Map<String, String> after = assertRunOnce(cluster);
            assertThat(loads(after)).containsOnlyKeys("node-1", "node-2");
            assertThat(without(after, "node-3")).containsAllEntriesOf(without(before, "node-3"));
            // ceil(1.25 × 24 / 2) = 15
            assertThat(loads(after).values())
                    .allSatisfy(load -> assertThat(load).isLessThanOrEqualTo(15));
            assertThat(cluster.node("node-1").members())
                    .extracting(ClusterMember::nodeId)
                    .containsExactly("node-1", "node-2");
            System.out.println(
                    "failover of " + loadOf(before, "node-3") + " sessions took " + failover.toMillis() + " ms");
        }
    }

    @Test
    void aNewCoordinatorTakesOverWhenTheOldestLeaves() {
        try (TestCluster cluster = new TestCluster(3).startAll()) {
            List<String> wanted = sessions("line", 15);
            Map<String, String> before = placeAndSettle(cluster, wanted, 7);
            long lastVersion = cluster.node("node-2").assignments().values().stream()
                    .mapToLong(Assignment::version)
                    .max()
                    .orElseThrow();
            assertThat(cluster.node("node-1").isCoordinator()).isTrue();
            assertThat(cluster.node("node-2").isCoordinator()).isFalse();

            cluster.stop("node-1");

            await(FAILOVER_BOUND, () -> cluster.node("node-2").isCoordinator());
            assertThat(cluster.node("node-3").isCoordinator()).isFalse();
            await(FAILOVER_BOUND, () -> runningOn(cluster).keySet().equals(Set.copyOf(wanted)));
            Map<String, String> after = assertRunOnce(cluster);
            assertThat(loads(after)).containsOnlyKeys("node-2", "node-3");
            assertThat(without(after, "node-1")).containsAllEntriesOf(without(before, "node-1"));

            // the new coordinator keeps placing, with versions that continue the old coordinator's
            cluster.node("node-3").setWanted("tenant-9/late", true);
            await(
                    Duration.ofSeconds(5),
                    () -> cluster.node("node-3").assignmentOf("tenant-9/late").isPresent());
            assertThat(cluster.node("node-3")
                            .assignmentOf("tenant-9/late")
                            .orElseThrow()
                            .version())
                    .isGreaterThan(lastVersion);
        }
    }

    @Test
    void aMemberThatStopsPublishingHealthLosesItsSessions() {
        try (TestCluster cluster = new TestCluster(3).startAll()) {
            List<String> wanted = sessions("line", 15);
            Map<String, String> before = placeAndSettle(cluster, wanted, 7);
            assertThat(loadOf(before, "node-2")).isPositive();

            cluster.runtime("node-2").stopPublishing();

            // a listed member with frozen health is DOWN after STALE_HEALTH_FACTOR detection windows
            await(
                    FAILURE_DETECTION
                            .multipliedBy(Coordinator.STALE_HEALTH_FACTOR)
                            .plusSeconds(3),
                    () -> loadOf(runningOn(cluster), "node-2") == 0
                            && runningOn(cluster).keySet().equals(Set.copyOf(wanted)));
            assertThat(cluster.node("node-1").members()).hasSize(3);
            assertThat(without(assertRunOnce(cluster), "node-2")).containsAllEntriesOf(without(before, "node-2"));
        }
    }

    @Test
    void aJoiningMemberTakesItsBoundedShareAndOnlyItsShareMoves() {
        try (TestCluster cluster = new TestCluster(4)) {
            for (int i = 1; i <= 3; i++) {
                cluster.start(i);
            }
            cluster.awaitMembers(3);
            List<String> wanted = sessions("line", 24);
            Map<String, String> before = placeAndSettle(cluster, wanted, 10);
            AtomicInteger membershipChanges = new AtomicInteger();
            cluster.node("node-1").onMembershipChange(membershipChanges::incrementAndGet);
            List<String> changes = new CopyOnWriteArrayList<>();
            cluster.node("node-1")
                    .onAssignmentChange(change -> changes.add(change.session() + " "
                            + (change.before() == null ? "-" : change.before().nodeId()) + "→"
                            + (change.after() == null ? "-" : change.after().nodeId())));

            cluster.start(4);
            cluster.awaitMembers(4);
            await(Duration.ofSeconds(10), () -> loadOf(runningOn(cluster), "node-4") > 0);
            awaitQuiet(cluster.node("node-1"), Duration.ofSeconds(2), Duration.ofSeconds(20));

            Map<String, String> after = assertRunOnce(cluster);
            assertThat(after.keySet()).isEqualTo(Set.copyOf(wanted));
            // fair share 24 / 4 = 6, bound ceil(1.25 × 6) = 8
            assertThat(loadOf(after, "node-4")).isBetween(3L, 8L);
            assertThat(loads(after).values())
                    .allSatisfy(load -> assertThat(load).isLessThanOrEqualTo(8));
            before.forEach((session, node) -> assertThat(after.get(session)).isIn(node, "node-4"));
            assertThat(membershipChanges).hasValueGreaterThanOrEqualTo(1);
            System.out.println("joiner took " + loadOf(after, "node-4") + " of 24 sessions; changes " + changes);
        }
    }

    @Test
    void aDrainedNodeHandsItsSessionsOverOneByOneAndEndsWithNone() {
        try (TestCluster cluster = new TestCluster(3).startAll()) {
            List<String> wanted = sessions("line", 18);
            Map<String, String> before = placeAndSettle(cluster, wanted, 8);
            long toMove = loadOf(before, "node-2");
            assertThat(toMove).isGreaterThanOrEqualTo(3);
            record Departure(String session, String to, Instant at) {}
            List<Departure> departures = new CopyOnWriteArrayList<>();
            cluster.node("node-1").onAssignmentChange(change -> {
                if (change.lostBy("node-2") && change.after() != null) {
                    departures.add(
                            new Departure(change.session(), change.after().nodeId(), Instant.now()));
                }
            });

            cluster.node("node-3").requestDrain("node-2");
            cluster.node("node-1").setWanted("tenant-9/during-drain", true);

            await(
                    Duration.ofSeconds(20),
                    () -> loadOf(runningOn(cluster), "node-2") == 0
                            && runningOn(cluster).size() == wanted.size() + 1);
            assertThat(cluster.node("node-1").draining()).containsExactly("node-2");
            assertThat(departures).hasSize((int) toMove);
            List<Departure> ordered = new ArrayList<>(departures);
            for (int i = 1; i < ordered.size(); i++) {
                Departure previous = ordered.get(i - 1);
                Instant previousRunning = cluster.runtime(previous.to()).runningSince(previous.session());
                // the next hand-over starts only once the previous session runs on its new node
                assertThat(previousRunning)
                        .as("%s running on %s", previous.session(), previous.to())
                        .isNotNull();
                assertThat(ordered.get(i).at()).isAfterOrEqualTo(previousRunning);
            }
            Map<String, String> after = assertRunOnce(cluster);
            assertThat(after.get("tenant-9/during-drain")).isNotEqualTo("node-2");
            assertThat(without(after, "node-2")).containsAllEntriesOf(without(before, "node-2"));
        }
    }
}
