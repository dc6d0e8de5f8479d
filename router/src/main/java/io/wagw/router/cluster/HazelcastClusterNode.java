package io.wagw.router.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.spi.properties.ClusterProperty;
import io.wagw.router.cluster.Stored.StoredAssignment;
import io.wagw.router.cluster.Stored.StoredDesired;
import io.wagw.router.cluster.Stored.StoredMetrics;
import io.wagw.router.cluster.Stored.StoredMoves;
import io.wagw.router.health.NodeMetrics;
import io.wagw.router.rebalance.MoveRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one class that talks to Hazelcast: an embedded member joined by a TCP/IP member list, and the distributed
 * maps behind {@link ClusterNode} and the {@link Coordinator}.
 *
 * <table>
 *   <caption>Distributed maps</caption>
 *   <tr><td>{@code wagw.health}</td><td>node id → last published metrics</td></tr>
 *   <tr><td>{@code wagw.wanted}</td><td>session → {@code true}: sessions that should run</td></tr>
 *   <tr><td>{@code wagw.assignments}</td><td>session → node and version, written by the coordinator</td></tr>
 *   <tr><td>{@code wagw.running}</td><td>session → node that reports running it</td></tr>
 *   <tr><td>{@code wagw.draining}</td><td>node id → {@code true}: drain requests</td></tr>
 *   <tr><td>{@code wagw.coordinator}</td><td>the version counter, the desired placement and the move records</td></tr>
 * </table>
 */
final class HazelcastClusterNode implements ClusterNode, Coordinator.Tables {
    private static final Logger log = LoggerFactory.getLogger(HazelcastClusterNode.class);

    static final String NODE_ATTRIBUTE = "wagw.node";
    static final String HTTP_ATTRIBUTE = "wagw.http";
    private static final String MAPS = "wagw.*";
    private static final String VERSION_KEY = "version";
    private static final String DESIRED_KEY = "desired";
    private static final String MOVES_KEY = "moves";

    private final ClusterSettings settings;
    private final HazelcastInstance hazelcast;
    private final IMap<String, StoredMetrics> health;
    private final IMap<String, Boolean> wanted;
    private final IMap<String, StoredAssignment> assignments;
    private final IMap<String, String> running;
    private final IMap<String, Boolean> draining;
    private final IMap<String, Object> coordinatorState;
    private final ExecutorService events;
    private final List<Consumer<AssignmentChange>> assignmentListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> membershipListeners = new CopyOnWriteArrayList<>();
    private final Map<UUID, Instant> firstSeen = new ConcurrentHashMap<>();
    private final Coordinator coordinator;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HazelcastClusterNode(ClusterSettings settings, HazelcastInstance hazelcast) {
        this.settings = settings;
        this.hazelcast = hazelcast;
        this.health = hazelcast.getMap("wagw.health");
        this.wanted = hazelcast.getMap("wagw.wanted");
        this.assignments = hazelcast.getMap("wagw.assignments");
        this.running = hazelcast.getMap("wagw.running");
        this.draining = hazelcast.getMap("wagw.draining");
        this.coordinatorState = hazelcast.getMap("wagw.coordinator");
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "wagw-cluster-events-" + settings.nodeId());
            thread.setDaemon(true);
            return thread;
        });
        this.coordinator = new Coordinator(this, settings, Clock.systemUTC());
    }

    static ClusterNode join(ClusterSettings settings) {
        Objects.requireNonNull(settings, "settings");
        HazelcastInstance hazelcast;
        try {
            hazelcast = Hazelcast.newHazelcastInstance(config(settings));
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cluster member " + settings.nodeId() + " could not start on " + settings.bindHost() + ":"
                            + settings.port() + ": " + e.getMessage(),
                    e);
        }
        try {
            awaitUniqueNodeId(hazelcast, settings);
            HazelcastClusterNode node = new HazelcastClusterNode(settings, hazelcast);
            node.start();
            log.info(
                    "node {} joined cluster {} on {}:{} with {} members",
                    settings.nodeId(),
                    settings.clusterName(),
                    settings.bindHost(),
                    settings.port(),
                    hazelcast.getCluster().getMembers().size());
            return node;
        } catch (RuntimeException e) {
            hazelcast.getLifecycleService().terminate();
            throw e;
        }
    }

    /**
     * Hazelcast's partitions. The tables are small (a few entries per session and per node), and Hazelcast's
     * default of 271 made a member's death costly: after promoting the backups it rebalanced 180 partition
     * replicas between the two survivors of a 3-node cluster, which took 1.9 s on a busy 2-core machine, and the
     * operations on the tables that the takeover of the dead member's sessions needs waited for them. Every member
     * of a cluster must use the same count (a member with another one cannot join).
     */
    static final int PARTITIONS = 31;

    static Config config(ClusterSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("wagw-" + settings.nodeId());
        config.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
        config.setProperty(ClusterProperty.PHONE_HOME_ENABLED.getName(), "false");
        // A dead member is declared after max.no.heartbeat seconds without a heartbeat, sent every second.
        config.setProperty(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS.getName(), "1");
        config.setProperty(
                ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getName(),
                Long.toString(settings.failureDetection().toSeconds()));
        // The node drains its sessions on SIGTERM and leaves the cluster after; Hazelcast must not leave first.
        config.setProperty(ClusterProperty.SHUTDOWNHOOK_ENABLED.getName(), "false");
        config.setProperty(ClusterProperty.GRACEFUL_SHUTDOWN_MAX_WAIT.getName(), "30");
        // The master batches join requests for this long; 5 s by default only delays every start.
        config.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), "1");
        // Two halves of a healed network partition merge after this, instead of 5 minutes.
        config.setProperty(ClusterProperty.MERGE_FIRST_RUN_DELAY_SECONDS.getName(), "20");
        config.setProperty(ClusterProperty.MERGE_NEXT_RUN_DELAY_SECONDS.getName(), "10");
        config.setProperty(ClusterProperty.PARTITION_COUNT.getName(), Integer.toString(PARTITIONS));
        // Listen on and advertise exactly bindHost, so several nodes can share a machine on 127.0.0.x.
        config.setProperty("hazelcast.local.localAddress", settings.bindHost());
        config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
        config.getJetConfig().setEnabled(false);
        config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
        config.getMemberAttributeConfig()
                .setAttribute(NODE_ATTRIBUTE, settings.nodeId())
                .setAttribute(HTTP_ATTRIBUTE, settings.httpUrl());

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = new ArrayList<>(settings.memberAddresses());
        if (members.isEmpty()) {
            members.add(settings.bindHost() + ":" + settings.port());
        }
        join.getTcpIpConfig().setEnabled(true).setMembers(members);

        // Small tables that must outlive two failed members at once.
        config.addMapConfig(new MapConfig(MAPS).setBackupCount(2));
        // Every API call asks who runs its session: keep both tables readable locally. Changes invalidate
        // the copies at once (not in batches), so a moved session is routed to its new node right away.
        config.setProperty("hazelcast.map.invalidation.batch.enabled", "false");
        for (String routing : List.of("wagw.assignments", "wagw.running")) {
            config.addMapConfig(new MapConfig(routing)
                    .setBackupCount(2)
                    .setNearCacheConfig(new NearCacheConfig()
                            .setInvalidateOnChange(true)
                            .setCacheLocalEntries(true)
                            .setInMemoryFormat(InMemoryFormat.OBJECT)));
        }
        return config;
    }

    /**
     * What this member deserialises with Java serialization: the records of {@link Stored} and what they hold, and
     * the exceptions members answer each other with; anything else a foreign member writes into the maps (a
     * deserialisation gadget) is refused, not instantiated. Hazelcast's default list (every class whose name starts
     * with {@code java}, which takes in {@code javax.management} and {@code java.net.URL}, or is an array) is off.
     */
    static JavaSerializationFilterConfig serializationFilter() {
        ClassFilter allowed = new ClassFilter();
        Stored.TYPES.forEach(type -> allowed.addClasses(type.getName()));
        allowed.addClasses(HashMap.class.getName(), ArrayList.class.getName());
        // A member answers a failed operation (a partition migrating, a member leaving) with the exception,
        // Java-serialised: a Throwable's fields are its stack trace and an empty or unmodifiable list of
        // suppressed exceptions. An answer that cannot be read would leave the caller waiting, not retrying.
        allowed.addPackages("java.lang");
        allowed.addClasses(
                StackTraceElement[].class.getName(),
                Collections.emptyList().getClass().getName(),
                "java.util.Collections$UnmodifiableRandomAccessList",
                "java.util.Collections$UnmodifiableList",
                "java.util.Collections$UnmodifiableCollection");
        allowed.addPrefixes("com.hazelcast.");
        return new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed);
    }

    /**
     * A node restarted right after a crash finds its old member still listed until failure detection removes it;
     * waits for that, and refuses to run beside a live member with the same id.
     */
    private static void awaitUniqueNodeId(HazelcastInstance hazelcast, ClusterSettings settings) {
        long deadline =
                System.nanoTime() + settings.failureDetection().multipliedBy(2).toNanos();
        while (true) {
            boolean duplicate = hazelcast.getCluster().getMembers().stream()
                    .anyMatch(m -> !m.localMember() && settings.nodeId().equals(m.getAttribute(NODE_ATTRIBUTE)));
            if (!duplicate) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("another live cluster member has node id " + settings.nodeId());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "interrupted while waiting for the old member " + settings.nodeId() + " to leave", e);
            }
        }
    }

    private void start() {
        hazelcast.getCluster().getMembers().forEach(m -> firstSeen.putIfAbsent(m.getUuid(), Instant.now()));
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                firstSeen.putIfAbsent(event.getMember().getUuid(), Instant.now());
                events.execute(() -> membershipListeners.forEach(HazelcastClusterNode::runQuietly));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                firstSeen.remove(event.getMember().getUuid());
                coordinator.nudge();
                events.execute(() -> membershipListeners.forEach(HazelcastClusterNode::runQuietly));
            }
        });
        assignments.addEntryListener(new AssignmentListener(this::deliver), true);
        coordinator.start();
    }

    /** Hands every assignment event to the event thread and returns: nothing blocks a Hazelcast thread. */
    private record AssignmentListener(Consumer<AssignmentChange> sink)
            implements EntryAddedListener<String, StoredAssignment>,
                    EntryUpdatedListener<String, StoredAssignment>,
                    EntryRemovedListener<String, StoredAssignment> {
        @Override
        public void entryAdded(EntryEvent<String, StoredAssignment> event) {
            sink.accept(
                    new AssignmentChange(event.getKey(), null, event.getValue().toAssignment()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, StoredAssignment> event) {
            StoredAssignment before = event.getOldValue();
            sink.accept(new AssignmentChange(
                    event.getKey(),
                    before == null ? null : before.toAssignment(),
                    event.getValue().toAssignment()));
        }

        @Override
        public void entryRemoved(EntryEvent<String, StoredAssignment> event) {
            StoredAssignment before = event.getOldValue();
            if (before != null) {
                sink.accept(new AssignmentChange(event.getKey(), before.toAssignment(), null));
            }
        }
    }

    private void deliver(AssignmentChange change) {
        if (closed.get()) {
            return;
        }
        events.execute(() -> {
            for (Consumer<AssignmentChange> listener : assignmentListeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    log.warn("assignment listener failed on {}", change.session(), e);
                }
            }
        });
    }

    private static void runQuietly(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            log.warn("membership listener failed", e);
        }
    }

    @Override
    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public String localNodeId() {
        return settings.nodeId();
    }

    @Override
    public List<ClusterMember> members() {
        List<ClusterMember> members = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            String nodeId = member.getAttribute(NODE_ATTRIBUTE);
            String httpUrl = member.getAttribute(HTTP_ATTRIBUTE);
            if (nodeId != null && httpUrl != null) {
                Instant since = firstSeen.computeIfAbsent(member.getUuid(), uuid -> Instant.now());
                members.add(new ClusterMember(nodeId, httpUrl, member.localMember(), since));
            }
        }
        return List.copyOf(members);
    }

    @Override
    public Optional<String> httpUrlOf(String nodeId) {
        return members().stream()
                .filter(m -> m.nodeId().equals(nodeId))
                .map(ClusterMember::httpUrl)
                .findFirst();
    }

    @Override
    public boolean isCoordinator() {
        if (!isRunning()) {
            return false;
        }
        Set<Member> members = hazelcast.getCluster().getMembers();
        return !members.isEmpty() && members.iterator().next().localMember();
    }

    @Override
    public void onMembershipChange(Runnable listener) {
        membershipListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void publishHealth(NodeMetrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        if (!metrics.nodeId().equals(settings.nodeId())) {
            throw new IllegalArgumentException(
                    "node " + settings.nodeId() + " cannot publish the health of " + metrics.nodeId());
        }
        health.set(metrics.nodeId(), StoredMetrics.of(metrics));
    }

    @Override
    public Map<String, NodeMetrics> health() {
        Set<String> live = liveNodeIds();
        Map<String, NodeMetrics> result = new HashMap<>();
        health.forEach((nodeId, stored) -> {
            if (live.contains(nodeId)) {
                result.put(nodeId, stored.toMetrics());
            }
        });
        return Map.copyOf(result);
    }

    private Set<String> liveNodeIds() {
        Set<String> ids = new HashSet<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            String nodeId = member.getAttribute(NODE_ATTRIBUTE);
            if (nodeId != null) {
                ids.add(nodeId);
            }
        }
        return ids;
    }

    @Override
    public void setWanted(String session, boolean wantedNow) {
        requireSession(session);
        if (wantedNow) {
            wanted.set(session, Boolean.TRUE);
        } else {
            wanted.delete(session);
        }
    }

    @Override
    public Set<String> wanted() {
        return Set.copyOf(wanted.keySet());
    }

    @Override
    public Map<String, Assignment> assignments() {
        Map<String, Assignment> result = new HashMap<>();
        assignments.forEach((session, stored) -> result.put(session, stored.toAssignment()));
        return Map.copyOf(result);
    }

    @Override
    public Optional<Assignment> assignmentOf(String session) {
        requireSession(session);
        return Optional.ofNullable(assignments.get(session)).map(StoredAssignment::toAssignment);
    }

    @Override
    public void onAssignmentChange(Consumer<AssignmentChange> listener) {
        assignmentListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void reportRunning(String session, boolean runningNow) {
        requireSession(session);
        if (runningNow) {
            running.set(session, settings.nodeId());
        } else {
            running.remove(session, settings.nodeId());
        }
    }

    @Override
    public Map<String, String> running() {
        return Map.copyOf(new HashMap<>(running));
    }

    @Override
    public Optional<String> runnerOf(String session) {
        requireSession(session);
        return Optional.ofNullable(running.get(session));
    }

    @Override
    public void requestDrain(String nodeId) {
        requireNodeId(nodeId);
        draining.set(nodeId, Boolean.TRUE);
    }

    @Override
    public void cancelDrain(String nodeId) {
        requireNodeId(nodeId);
        draining.delete(nodeId);
    }

    @Override
    public Set<String> draining() {
        return Set.copyOf(draining.keySet());
    }

    @Override
    public boolean isRunning() {
        return !closed.get() && hazelcast.getLifecycleService().isRunning();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        coordinator.close();
        try {
            hazelcast.shutdown();
        } catch (HazelcastInstanceNotActiveException e) {
            log.debug("cluster member {} was already stopped", settings.nodeId());
        }
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("node {} left cluster {}", settings.nodeId(), settings.clusterName());
    }

    // Coordinator.Tables

    @Override
    public Optional<DesiredPlacement> desired() {
        return Optional.ofNullable((StoredDesired) coordinatorState.get(DESIRED_KEY))
                .map(StoredDesired::toDesired);
    }

    @Override
    public void saveDesired(DesiredPlacement desired) {
        coordinatorState.set(DESIRED_KEY, StoredDesired.of(desired));
    }

    @Override
    public List<MoveRecord> moveRecords() {
        StoredMoves stored = (StoredMoves) coordinatorState.get(MOVES_KEY);
        return stored == null ? List.of() : stored.toRecords();
    }

    @Override
    public void saveMoveRecords(List<MoveRecord> records) {
        coordinatorState.set(MOVES_KEY, StoredMoves.of(records));
    }

    @Override
    public void assign(Map<String, String> owners) {
        if (owners.isEmpty()) {
            return;
        }
        // Reserve the versions before writing them, so a coordinator that dies mid-write never lets its
        // successor hand out the same numbers.
        long version = (Long) coordinatorState.getOrDefault(VERSION_KEY, 0L);
        coordinatorState.set(VERSION_KEY, version + owners.size());
        Map<String, StoredAssignment> entries = new HashMap<>();
        for (Map.Entry<String, String> owner : owners.entrySet()) {
            version++;
            entries.put(owner.getKey(), new StoredAssignment(owner.getKey(), owner.getValue(), version));
        }
        assignments.putAll(entries);
    }

    @Override
    public void unassign(Collection<String> sessions) {
        sessions.forEach(assignments::remove);
    }

    @Override
    public void forgetDeparted(Set<String> memberIds) {
        for (String nodeId : Set.copyOf(health.keySet())) {
            if (!memberIds.contains(nodeId)) {
                health.delete(nodeId);
            }
        }
        for (String nodeId : Set.copyOf(draining.keySet())) {
            if (!memberIds.contains(nodeId)) {
                draining.delete(nodeId);
            }
        }
        for (Map.Entry<String, String> entry :
                Map.copyOf(new HashMap<>(running)).entrySet()) {
            if (!memberIds.contains(entry.getValue())) {
                running.remove(entry.getKey(), entry.getValue());
            }
        }
    }

    private static void requireSession(String session) {
        Objects.requireNonNull(session, "session");
        if (session.isBlank()) {
            throw new IllegalArgumentException("session must not be blank");
        }
    }

    private static void requireNodeId(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
    }
}
