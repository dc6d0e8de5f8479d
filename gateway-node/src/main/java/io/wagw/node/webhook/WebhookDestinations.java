package io.wagw.node.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the address a webhook goes to and refuses it unless the {@link DestinationPolicy} allows it.
 * The host is resolved here, at delivery time, and every address it resolves to is checked; the
 * caller connects to the returned address and never resolves the name again. A name that resolved to a
 * public address when it was configured may resolve to 127.0.0.1 later (DNS rebinding), and a check
 * followed by a second lookup could be answered differently.
 */
public final class WebhookDestinations {

    /** Looks a host name up; {@link InetAddress#getAllByName} on a node, a fixed table in tests. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** The policy refuses the destination; the message (for the node's log) names host, address and class. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final DestinationPolicy policy;
    private final Resolver resolver;

    public WebhookDestinations(DestinationPolicy policy, Resolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    /** Resolves names with the JDK's resolver (and its cache). */
    public static WebhookDestinations system(DestinationPolicy policy) {
        return new WebhookDestinations(policy, host -> List.of(InetAddress.getAllByName(host)));
    }

    /**
     * The checked address to connect to for {@code host}. Blocking (DNS): call it on a virtual thread.
     *
     * @param host a URL's host: a name, an IPv4 address or an IPv6 address in brackets
     * @return an address without a host name attached, so that nothing downstream resolves it again
     * @throws UnknownHostException when the name does not resolve
     * @throws Refused              when the host, or any address it resolves to, is not allowed
     */
    public InetAddress resolve(String host) throws UnknownHostException, Refused {
        Optional<InetAddress> literal = IpLiteral.parse(host);
        List<InetAddress> addresses = literal.isPresent() ? List.of(literal.get()) : resolver.resolve(host);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            Optional<AddressClass> refusal = policy.refusal(address);
            if (refusal.isPresent()) {
                String what = literal.isPresent() ? host : host + " resolved to " + address.getHostAddress();
                throw new Refused("%s (%s) is not public and outside GW_WEBHOOK_ALLOW_NETWORKS"
                        .formatted(what, refusal.get().description()));
            }
        }
        return IpLiteral.address(addresses.getFirst().getAddress());
    }
}
