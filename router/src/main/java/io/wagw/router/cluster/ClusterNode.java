package io.wagw.router.cluster;

import io.wagw.router.health.NodeMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * This node's membership in the cluster and its view of the shared tables. {@link #join} starts an embedded
 * Hazelcast member and, in the same process, the coordinator, which acts only while this node is the oldest member.
 *
 * <p>Every node: publishes its health every {@link ClusterSettings#healthInterval()}, listens to
 * {@link #onAssignmentChange} and starts the sessions assigned to it and stops those assigned elsewhere,
 * {@link #reportRunning reports} which sessions it runs, and on an API call to start or stop a session sets
 * {@link #setWanted}. Registering a listener and then reading {@link #assignments()} catches every entry.
 *
 * <p>Listeners run in order on one dedicated thread of this node, never on a Hazelcast thread; they should hand
 * work off rather than block it.
 */
public interface ClusterNode extends AutoCloseable {

    /**
     * Joins (or forms) the cluster and starts this node's coordinator loop. Fails with
     * {@link IllegalStateException} when the member cannot start or another live member has the same node id.
     */
    static ClusterNode join(ClusterSettings settings) {
        return HazelcastClusterNode.join(settings);
    }

    ClusterSettings settings();

    String localNodeId();

    /** Live members, oldest first. */
    List<ClusterMember> members();

    /** The advertised HTTP URL of a live member. */
    Optional<String> httpUrlOf(String nodeId);

    /** Whether this node is the oldest member, hence the one whose coordinator writes the assignment table. */
    boolean isCoordinator();

    /** Called after a member joined or left (the new list is in {@link #members()}). */
    void onMembershipChange(Runnable listener);

    /** Publishes this node's health (the caller repeats it every {@link ClusterSettings#healthInterval()}). */
    void publishHealth(NodeMetrics metrics);

    /** The last published health of live members, by node id. */
    Map<String, NodeMetrics> health();

    /** Adds ({@code true}) or removes a session from the sessions that should run somewhere in the cluster. */
    void setWanted(String session, boolean wanted);

    /** The sessions that should run somewhere in the cluster; the coordinator places exactly these. */
    Set<String> wanted();

    /** The assignment table: session to the node that should run it. */
    Map<String, Assignment> assignments();

    Optional<Assignment> assignmentOf(String session);

    /** Called for every change of the assignment table, on any node's entries. */
    void onAssignmentChange(Consumer<AssignmentChange> listener);

    /**
     * Records that this node now runs ({@code true}) or no longer runs a session. The coordinator finishes a move
     * when its target reports the session running. Reporting {@code false} for a session another node runs
     * changes nothing.
     */
    void reportRunning(String session, boolean running);

    /** Session to the node that reports running it. */
    Map<String, String> running();

    /** Where a session runs now, if any node reports running it. */
    Optional<String> runnerOf(String session);

    /**
     * Asks the cluster to drain a node: it gets no new sessions and its sessions move away one by one (paced like
     * any move). The request lasts until the node leaves the cluster or {@link #cancelDrain} is called.
     */
    void requestDrain(String nodeId);

    void cancelDrain(String nodeId);

    /** Node ids asked to drain. */
    Set<String> draining();

    /** Whether the Hazelcast member is still running (false after {@link #close()} or a fatal cluster error). */
    boolean isRunning();

    /** Leaves the cluster gracefully (other members take over its data at once, no failure detection wait). */
    @Override
    void close();
}
