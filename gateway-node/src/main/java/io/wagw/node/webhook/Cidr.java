package io.wagw.node.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP network in CIDR notation: {@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a network of
 * that one address. An IPv4-mapped IPv6 network ({@code ::ffff:10.0.0.0/104}) is the IPv4 network it
 * stands for, and it contains IPv4 addresses in either form.
 *
 * @param network      the network's first address: every bit past the prefix is zero
 * @param prefixLength how many leading bits the network's addresses share: 0-32 for IPv4, 0-128 for IPv6
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be from 0 to " + bits);
        }
        if (!Arrays.equals(masked(network.getAddress(), prefixLength), network.getAddress())) {
            throw new IllegalArgumentException("%s/%d has bits set past the prefix; the network is %s/%d"
                    .formatted(
                            network.getHostAddress(),
                            prefixLength,
                            IpLiteral.address(masked(network.getAddress(), prefixLength))
                                    .getHostAddress(),
                            prefixLength));
        }
    }

    /**
     * Reads {@code address/prefix} or a bare address, without DNS.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addressText = slash < 0 ? t : t.substring(0, slash);
        InetAddress address = IpLiteral.parse(addressText)
                .orElseThrow(() -> new IllegalArgumentException("'%s' is not an IP address".formatted(addressText)));
        boolean writtenAsIpv6 = addressText.contains(":");
        int bits = writtenAsIpv6 ? 128 : 32;
        int prefix = bits;
        if (slash >= 0) {
            String prefixText = t.substring(slash + 1);
            if (!prefixText.matches("\\d{1,3}") || Integer.parseInt(prefixText) > bits) {
                throw new IllegalArgumentException(
                        "'%s' is not a prefix length from 0 to %d".formatted(prefixText, bits));
            }
            prefix = Integer.parseInt(prefixText);
        }
        if (writtenAsIpv6 && address instanceof Inet4Address) {
            // The JDK reads ::ffff:a.b.c.d as the IPv4 address; the mapped prefix covers the IPv4 part only.
            if (prefix < 96) {
                throw new IllegalArgumentException("an IPv4-mapped network needs a prefix of at least 96");
            }
            prefix -= 96;
        }
        return new Cidr(address, prefix);
    }

    /** True when {@code address} (IPv4-mapped IPv6 counts as IPv4) lies in this network. */
    public boolean contains(InetAddress address) {
        byte[] candidate = IpLiteral.unmapped(address).getAddress();
        return candidate.length == network.getAddress().length
                && Arrays.equals(masked(candidate, prefixLength), network.getAddress());
    }

    /** True for a network of exactly one address ({@code /32}, {@code /128}). */
    public boolean isSingleAddress() {
        return prefixLength == network.getAddress().length * 8;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static byte[] masked(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }
}
