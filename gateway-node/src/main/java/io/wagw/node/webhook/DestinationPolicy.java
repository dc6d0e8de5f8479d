package io.wagw.node.webhook;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses this node sends webhooks to: every {@link AddressClass#PUBLIC public} address, and
 * other addresses only inside the operator's allowed networks ({@code GW_WEBHOOK_ALLOW_NETWORKS}). A
 * cloud metadata address stays refused unless an allowed network is that single address.
 *
 * @param allowedNetworks networks of on-premise receivers; empty refuses every non-public address
 */
public record DestinationPolicy(List<Cidr> allowedNetworks) {

    /** The policy of a node without {@code GW_WEBHOOK_ALLOW_NETWORKS}: public addresses only. */
    public static final DestinationPolicy PUBLIC_ONLY = new DestinationPolicy(List.of());

    public DestinationPolicy {
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    /** Why {@code address} is refused (its class), or empty when webhooks may go there. */
    public Optional<AddressClass> refusal(InetAddress address) {
        AddressClass kind = AddressClass.of(address);
        if (kind == AddressClass.PUBLIC) {
            return Optional.empty();
        }
        boolean allowed = allowedNetworks.stream()
                .anyMatch(n -> n.contains(address) && (kind != AddressClass.CLOUD_METADATA || n.isSingleAddress()));
        return allowed ? Optional.empty() : Optional.of(kind);
    }
}
