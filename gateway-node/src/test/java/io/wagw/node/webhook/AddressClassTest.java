package io.wagw.node.webhook;

import static io.wagw.node.webhook.CidrTest.ip;
import static io.wagw.node.webhook.CidrTest.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressClassTest {

    private static void assertClasses(Map<String, AddressClass> expected) {
        expected.forEach((address, kind) ->
                assertThat(AddressClass.of(ip(address))).as(address).isEqualTo(kind));
    }

    @Test
    void ipv4RangesThatLeadIntoPrivateNetworksAreNamed() {
        assertClasses(Map.ofEntries(
                Map.entry("0.0.0.0", AddressClass.UNSPECIFIED),
                Map.entry("0.1.2.3", AddressClass.UNSPECIFIED),
                Map.entry("127.0.0.1", AddressClass.LOOPBACK),
                Map.entry("127.255.255.254", AddressClass.LOOPBACK),
                Map.entry("10.1.2.3", AddressClass.PRIVATE),
                Map.entry("172.16.0.1", AddressClass.PRIVATE),
                Map.entry("172.31.255.255", AddressClass.PRIVATE),
                Map.entry("192.168.0.1", AddressClass.PRIVATE),
                Map.entry("100.64.0.1", AddressClass.CARRIER_GRADE_NAT),
                Map.entry("100.127.255.255", AddressClass.CARRIER_GRADE_NAT),
                Map.entry("169.254.1.1", AddressClass.LINK_LOCAL),
                Map.entry("224.0.0.1", AddressClass.MULTICAST),
                Map.entry("239.255.255.250", AddressClass.MULTICAST),
                Map.entry("255.255.255.255", AddressClass.RESERVED),
                Map.entry("169.254.169.254", AddressClass.CLOUD_METADATA),
                Map.entry("169.254.170.2", AddressClass.CLOUD_METADATA),
                Map.entry("100.100.100.200", AddressClass.CLOUD_METADATA)));
    }

    @Test
    void theirNeighboursArePublic() {
        assertClasses(Map.of(
                "1.1.1.1", AddressClass.PUBLIC,
                "172.15.255.255", AddressClass.PUBLIC,
                "172.32.0.0", AddressClass.PUBLIC,
                "100.63.255.255", AddressClass.PUBLIC,
                "100.128.0.0", AddressClass.PUBLIC,
                "11.0.0.0", AddressClass.PUBLIC,
                "192.169.0.1", AddressClass.PUBLIC,
                "223.255.255.255", AddressClass.PUBLIC,
                "2001:4860:4860::8888", AddressClass.PUBLIC,
                "64:ff9b::808:808", AddressClass.PUBLIC));
    }

    @Test
    void ipv6RangesThatLeadIntoPrivateNetworksAreNamed() {
        assertClasses(Map.of(
                "::", AddressClass.UNSPECIFIED,
                "::1", AddressClass.LOOPBACK,
                "fc00::1", AddressClass.PRIVATE,
                "fd12:3456::1", AddressClass.PRIVATE,
                "fe80::1", AddressClass.LINK_LOCAL,
                "ff02::1", AddressClass.MULTICAST,
                "fd00:ec2::254", AddressClass.CLOUD_METADATA,
                "::7f00:1", AddressClass.RESERVED));
    }

    @Test
    void ipv6FormsThatEmbedAnIpv4AddressAreClassifiedByIt() {
        assertThat(AddressClass.of(mapped("127.0.0.1"))).isEqualTo(AddressClass.LOOPBACK);
        assertThat(AddressClass.of(mapped("10.0.0.5"))).isEqualTo(AddressClass.PRIVATE);
        assertThat(AddressClass.of(mapped("169.254.169.254"))).isEqualTo(AddressClass.CLOUD_METADATA);
        assertThat(AddressClass.of(mapped("8.8.8.8"))).isEqualTo(AddressClass.PUBLIC);
        assertThat(AddressClass.of(ip("::ffff:192.168.1.1"))).isEqualTo(AddressClass.PRIVATE);
        assertThat(AddressClass.of(ip("64:ff9b::a9fe:a9fe")))
                .as("NAT64 of 169.254.169.254")
                .isEqualTo(AddressClass.CLOUD_METADATA);
        assertThat(AddressClass.of(ip("64:ff9b::7f00:1")))
                .as("NAT64 of 127.0.0.1")
                .isEqualTo(AddressClass.LOOPBACK);
        assertThat(AddressClass.of(ip("2002:0a00:0001::1")))
                .as("6to4 of 10.0.0.1")
                .isEqualTo(AddressClass.PRIVATE);
        assertThat(AddressClass.of(ip("2002:0808:0808::1")))
                .as("6to4 of 8.8.8.8")
                .isEqualTo(AddressClass.PUBLIC);
    }
}
