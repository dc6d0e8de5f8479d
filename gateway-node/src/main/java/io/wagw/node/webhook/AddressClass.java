package io.wagw.node.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * What kind of destination an IP address is, as far as sending webhooks is concerned. Only
 * {@link #PUBLIC} addresses are reachable without the operator's consent ({@link DestinationPolicy}).
 *
 * <p>IPv6 addresses that embed an IPv4 address are classified by the embedded address: IPv4-mapped
 * ({@code ::ffff:0:0/96}), NAT64 ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}), since each can
 * lead to that IPv4 address.
 */
public enum AddressClass {
    PUBLIC("public"),
    LOOPBACK("loopback"),
    UNSPECIFIED("unspecified"),
    LINK_LOCAL("link-local"),
    PRIVATE("private"),
    CARRIER_GRADE_NAT("carrier-grade NAT"),
    MULTICAST("multicast"),
    RESERVED("reserved"),
    CLOUD_METADATA("cloud metadata");

    /**
     * Instance metadata services (AWS, GCP, Azure, OpenStack; AWS ECS task credentials; Alibaba Cloud;
     * AWS over IPv6). They hand out credentials, so an allowed wider network does not open them.
     */
    static final List<Cidr> METADATA = List.of(
            Cidr.parse("169.254.169.254"),
            Cidr.parse("169.254.170.2"),
            Cidr.parse("100.100.100.200"),
            Cidr.parse("fd00:ec2::254"));

    private static final List<Rule> IPV4 = List.of(
            new Rule("0.0.0.0/8", UNSPECIFIED),
            new Rule("127.0.0.0/8", LOOPBACK),
            new Rule("10.0.0.0/8", PRIVATE),
            new Rule("172.16.0.0/12", PRIVATE),
            new Rule("192.168.0.0/16", PRIVATE),
            new Rule("100.64.0.0/10", CARRIER_GRADE_NAT),
            new Rule("169.254.0.0/16", LINK_LOCAL),
            new Rule("224.0.0.0/4", MULTICAST),
            new Rule("240.0.0.0/4", RESERVED));

    private static final List<Rule> IPV6 = List.of(
            new Rule("::/128", UNSPECIFIED),
            new Rule("::1/128", LOOPBACK),
            new Rule("::/96", RESERVED), // IPv4-compatible, deprecated
            new Rule("64:ff9b:1::/48", PRIVATE), // local-use NAT64
            new Rule("fc00::/7", PRIVATE),
            new Rule("fec0::/10", PRIVATE), // site-local, deprecated
            new Rule("fe80::/10", LINK_LOCAL),
            new Rule("ff00::/8", MULTICAST));

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private record Rule(Cidr network, AddressClass kind) {
        Rule(String network, AddressClass kind) {
            this(Cidr.parse(network), kind);
        }
    }

    private final String description;

    AddressClass(String description) {
        this.description = description;
    }

    /** A few words for messages, e.g. {@code "carrier-grade NAT"}. */
    public String description() {
        return description;
    }

    /** The class of {@code address}; pure, no DNS. */
    public static AddressClass of(InetAddress address) {
        InetAddress a = IpLiteral.unmapped(address);
        if (METADATA.stream().anyMatch(m -> m.contains(a))) {
            return CLOUD_METADATA;
        }
        if (a instanceof Inet4Address) {
            return match(IPV4, a);
        }
        byte[] b = a.getAddress();
        if (NAT64.contains(a)) {
            return of(IpLiteral.address(new byte[] {b[12], b[13], b[14], b[15]}));
        }
        if (SIX_TO_FOUR.contains(a)) {
            return of(IpLiteral.address(new byte[] {b[2], b[3], b[4], b[5]}));
        }
        return match(IPV6, a);
    }

    private static AddressClass match(List<Rule> rules, InetAddress a) {
        return rules.stream()
                .filter(r -> r.network().contains(a))
                .map(Rule::kind)
                .findFirst()
                .orElse(PUBLIC);
    }
}
