package io.wagw.router.cluster;

import io.wagw.router.placement.PlacementOptions;
import io.wagw.router.rebalance.PolicyOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a node joins the cluster and how the cluster places sessions. Built once at start (from {@code GW_*}
 * variables by the node's configuration) and validated here.
 *
 * @param nodeId           this node's id ({@code GW_NODE_ID}), carried as a member attribute; unique in the cluster
 * @param httpUrl          this node's advertised HTTP URL (absolute {@code http} or {@code https}), carried as a
 *                         member attribute; other nodes forward API calls there
 * @param clusterName      one name per deployment: members with another name never join this cluster
 * @param bindHost         the address the member listens on and advertises (for example {@code 127.0.0.2})
 * @param port             the member port (5701 by default); no auto-increment, so a busy port fails the start
 * @param members          the TCP/IP member list ({@code GW_CLUSTER_MEMBERS}), {@code host} or {@code host:port};
 *                         a host without port means this node's {@code port}; may include this node; empty for a
 *                         single node
 * @param failureDetection how long a silent member may stay in the member list (whole seconds, at least 2; 10 s by
 *                         default); also how old published health may be before its node counts as {@code DOWN}
 * @param healthInterval   how often the node publishes its health (2 s by default); shorter than
 *                         {@code failureDetection}
 * @param coordinatorRound how often the coordinator recomputes the assignment table (1 s by default)
 * @param policy           pacing of moves (K moves per node per minute, grace period, moves in flight)
 * @param placement        bounded-load hashing options (ε, virtual nodes)
 */
public record ClusterSettings(
        String nodeId,
        String httpUrl,
        String clusterName,
        String bindHost,
        int port,
        List<String> members,
        Duration failureDetection,
        Duration healthInterval,
        Duration coordinatorRound,
        PolicyOptions policy,
        PlacementOptions placement) {

    public static final int DEFAULT_PORT = 5701;
    public static final String DEFAULT_CLUSTER_NAME = "wagw";
    public static final Duration DEFAULT_FAILURE_DETECTION = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_COORDINATOR_ROUND = Duration.ofSeconds(1);

    public ClusterSettings {
        requireText("nodeId", nodeId);
        requireText("httpUrl", httpUrl);
        requireText("clusterName", clusterName);
        requireText("bindHost", bindHost);
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(failureDetection, "failureDetection");
        Objects.requireNonNull(healthInterval, "healthInterval");
        Objects.requireNonNull(coordinatorRound, "coordinatorRound");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(placement, "placement");
        requireHttpUrl(httpUrl);
        requirePort("port", port);
        members = List.copyOf(members);
        members.forEach(ClusterSettings::parseMember);
        if (failureDetection.compareTo(Duration.ofSeconds(2)) < 0 || failureDetection.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(
                    "failureDetection must be whole seconds, at least 2 s, was " + failureDetection);
        }
        if (healthInterval.isNegative() || healthInterval.isZero() || healthInterval.compareTo(failureDetection) >= 0) {
            throw new IllegalArgumentException("healthInterval must be positive and shorter than failureDetection ("
                    + failureDetection + "), was " + healthInterval);
        }
        if (coordinatorRound.isNegative() || coordinatorRound.isZero()) {
            throw new IllegalArgumentException("coordinatorRound must be positive, was " + coordinatorRound);
        }
    }

    /**
     * Settings with the defaults: cluster {@value #DEFAULT_CLUSTER_NAME}, port {@value #DEFAULT_PORT}, failure
     * detection 10 s, health every 2 s, a coordinator round every second, default pacing and placement.
     */
    public static ClusterSettings defaults(String nodeId, String httpUrl, String bindHost, List<String> members) {
        return new ClusterSettings(
                nodeId,
                httpUrl,
                DEFAULT_CLUSTER_NAME,
                bindHost,
                DEFAULT_PORT,
                members,
                DEFAULT_FAILURE_DETECTION,
                DEFAULT_HEALTH_INTERVAL,
                DEFAULT_COORDINATOR_ROUND,
                PolicyOptions.defaults(),
                PlacementOptions.defaults());
    }

    public ClusterSettings withClusterName(String newClusterName) {
        return new ClusterSettings(
                nodeId,
                httpUrl,
                newClusterName,
                bindHost,
                port,
                members,
                failureDetection,
                healthInterval,
                coordinatorRound,
                policy,
                placement);
    }

    public ClusterSettings withPort(int newPort) {
        return new ClusterSettings(
                nodeId,
                httpUrl,
                clusterName,
                bindHost,
                newPort,
                members,
                failureDetection,
                healthInterval,
                coordinatorRound,
                policy,
                placement);
    }

    public ClusterSettings withTimings(
            Duration newFailureDetection, Duration newHealthInterval, Duration newCoordinatorRound) {
        return new ClusterSettings(
                nodeId,
                httpUrl,
                clusterName,
                bindHost,
                port,
                members,
                newFailureDetection,
                newHealthInterval,
                newCoordinatorRound,
                policy,
                placement);
    }

    public ClusterSettings withPolicy(PolicyOptions newPolicy) {
        return new ClusterSettings(
                nodeId,
                httpUrl,
                clusterName,
                bindHost,
                port,
                members,
                failureDetection,
                healthInterval,
                coordinatorRound,
                newPolicy,
                placement);
    }

    public ClusterSettings withPlacement(PlacementOptions newPlacement) {
        return new ClusterSettings(
                nodeId,
                httpUrl,
                clusterName,
                bindHost,
                port,
                members,
                failureDetection,
                healthInterval,
                coordinatorRound,
                policy,
                newPlacement);
    }

    /** The member list as {@code host:port} addresses, a missing port replaced by this node's {@link #port}. */
    public List<String> memberAddresses() {
        List<String> addresses = new ArrayList<>(members.size());
        for (String member : members) {
            HostPort parsed = parseMember(member);
            String host = parsed.host().contains(":") ? "[" + parsed.host() + "]" : parsed.host();
            addresses.add(host + ":" + (parsed.port() > 0 ? parsed.port() : port));
        }
        return addresses;
    }

    /** The hosts of the member list (names or addresses, IPv6 without brackets), in order, each once. */
    public List<String> memberHosts() {
        return members.stream()
                .map(member -> parseMember(member).host())
                .distinct()
                .toList();
    }

    private record HostPort(String host, int port) {}

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; port 0 when absent. */
    private static HostPort parseMember(String member) {
        Objects.requireNonNull(member, "member");
        String text = member.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cluster member must not be blank");
        }
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("cluster member " + member + " has no closing ]");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("cluster member " + member + " must be [host]:port");
                }
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0) {
            if (text.indexOf(':') != text.lastIndexOf(':')) {
                throw new IllegalArgumentException(
                        "cluster member " + member + ": write IPv6 addresses as [address]:port");
            }
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("cluster member " + member + " has no valid host");
        }
        if (port == null) {
            return new HostPort(host, 0);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cluster member " + member + " has a port that is not a number");
        }
        requirePort("port of cluster member " + member, number);
        return new HostPort(host, number);
    }

    private static void requireText(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be in [1, 65535], was " + port);
        }
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("httpUrl must be an absolute http(s) URL, was " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("httpUrl is not a URL: " + url);
        }
    }
}
