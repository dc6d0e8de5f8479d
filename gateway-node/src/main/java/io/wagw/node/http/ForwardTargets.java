package io.wagw.node.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where a node may forward calls: to the configured cluster members only. Members advertise their HTTP URL in
 * the cluster, and whoever reaches the cluster port can join it and advertise any URL; so a URL's host must
 * resolve only to addresses that the hosts of {@code GW_CLUSTER_MEMBERS} resolve to. The call goes to the address
 * checked, never to a second lookup. The port is not checked: members list their cluster port, not their HTTP
 * one. Pure but for the resolver; blocking when it looks names up.
 */
final class ForwardTargets {
    private final List<String> memberHosts;
    private final Function<String, List<InetAddress>> resolver;

    /**
     * @param memberHosts the hosts of the member list (names or addresses)
     * @param resolver    a host's addresses, none when it does not resolve; {@link #system} looks them up
     */
    ForwardTargets(List<String> memberHosts, Function<String, List<InetAddress>> resolver) {
        this.memberHosts = List.copyOf(memberHosts);
        this.resolver = resolver;
    }

    /** With the JDK's resolver (and its cache); an address literal is read without a lookup. */
    static ForwardTargets system(List<String> memberHosts) {
        return new ForwardTargets(memberHosts, host -> {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (UnknownHostException e) {
                return List.of();
            }
        });
    }

    /**
     * The address to send a call for {@code url} to: the first its host resolves to, when every one of them is a
     * member's address; empty otherwise, or when the host does not resolve.
     */
    Optional<InetAddress> address(URI url) {
        if (url.getHost() == null) {
            return Optional.empty();
        }
        List<InetAddress> addresses = resolver.apply(url.getHost());
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        Set<String> members = new HashSet<>();
        memberHosts.forEach(host -> resolver.apply(host).forEach(a -> members.add(key(a))));
        return addresses.stream().allMatch(a -> members.contains(key(a)))
                ? Optional.of(addresses.getFirst())
                : Optional.empty();
    }

    /** Addresses compare by their bytes, whatever name they were found under. */
    private static String key(InetAddress address) {
        return HexFormat.of().formatHex(address.getAddress());
    }
}
