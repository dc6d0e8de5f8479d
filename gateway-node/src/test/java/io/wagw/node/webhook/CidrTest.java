package io.wagw.node.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow(() -> new AssertionError("not a literal: " + literal));
    }

    static InetAddress mapped(String ipv4) {
        byte[] v4 = ip(ipv4).getAddress();
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        try {
            // Inet6Address.getByAddress keeps the IPv6 form that InetAddress.getByAddress would turn into IPv4.
            return Inet6Address.getByAddress(null, b, -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsIpv4AndIpv6NetworksAndBareAddresses() {
        assertThat(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse(" 192.168.1.7 ")).satisfies(c -> {
            assertThat(c.prefixLength()).isEqualTo(32);
            assertThat(c.isSingleAddress()).isTrue();
        });
        assertThat(Cidr.parse("fd00::/8").prefixLength()).isEqualTo(8);
        assertThat(Cidr.parse("fd00:ec2::254").isSingleAddress()).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").isSingleAddress()).isFalse();
    }

    @Test
    void containsExactlyTheAddressesThatShareItsPrefix() {
        var tenEight = Cidr.parse("10.0.0.0/8");
        assertThat(tenEight.contains(ip("10.0.0.0"))).isTrue();
        assertThat(tenEight.contains(ip("10.255.255.255"))).isTrue();
        assertThat(tenEight.contains(ip("11.0.0.0"))).isFalse();
        assertThat(tenEight.contains(ip("9.255.255.255"))).isFalse();
        var odd = Cidr.parse("100.64.0.0/10");
        assertThat(odd.contains(ip("100.127.255.255"))).isTrue();
        assertThat(odd.contains(ip("100.128.0.0"))).isFalse();
        assertThat(Cidr.parse("192.168.1.7").contains(ip("192.168.1.8"))).isFalse();
        assertThat(Cidr.parse("fc00::/7").contains(ip("fdff::1"))).isTrue();
        assertThat(Cidr.parse("fc00::/7").contains(ip("fe00::1"))).isFalse();
    }

    @Test
    void anIpv4NetworkNeverContainsIpv6AddressesButDoesContainTheMappedFormOfItsOwn() {
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.0/8").contains(mapped("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("127.0.0.0/8").contains(mapped("128.0.0.1"))).isFalse();
    }

    @Test
    void anIpv4MappedNetworkIsTheIpv4NetworkItStandsFor() {
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("::ffff:127.0.0.1")).isEqualTo(Cidr.parse("127.0.0.1/32"));
    }

    @Test
    void textThatIsNotANetworkIsRefusedSayingWhy() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8")).hasMessageContaining("the network is 10.0.0.0/8");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length from 0 to 32");
        assertThatThrownBy(() -> Cidr.parse("fd00::/129")).hasMessageContaining("prefix length from 0 to 128");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/-1")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Cidr.parse("intranet.example/8"))
                .hasMessageContaining("'intranet.example' is not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("256.0.0.0/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("010.0.0.0/8"))
                .as("leading zeros read as octal elsewhere")
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("::ffff:10.0.0.0/90")).hasMessageContaining("at least 96");
    }

    @Test
    void literalsAreReadWithoutDnsAndAmbiguousNumbersAreRecognised() {
        assertThat(IpLiteral.parse("[::1]")).contains(ip("::1"));
        assertThat(IpLiteral.parse("crm.example")).isEmpty();
        assertThat(IpLiteral.parse("1.2.3.4.5")).isEmpty();
        assertThat(IpLiteral.isAmbiguousNumber("127.1")).isTrue();
        assertThat(IpLiteral.isAmbiguousNumber("2130706433")).isTrue();
        assertThat(IpLiteral.isAmbiguousNumber("0177.0.0.1")).isTrue();
        assertThat(IpLiteral.isAmbiguousNumber("127.0.0.1")).isFalse();
        assertThat(IpLiteral.isAmbiguousNumber("crm.example")).isFalse();
    }
}
