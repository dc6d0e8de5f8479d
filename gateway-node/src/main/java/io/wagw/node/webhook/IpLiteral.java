package io.wagw.node.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals as they appear in URLs and settings, read without any DNS lookup: a dotted-quad
 * IPv4 address ({@code 10.1.2.3}) or an IPv6 address, bare or in brackets ({@code [fd00::1]}).
 */
final class IpLiteral {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpLiteral() {}

    /** The address a literal denotes, or empty when the text is not one (a host name, or garbage). */
    static Optional<InetAddress> parse(String text) {
        String s = text.length() > 2 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1)
                : text;
        if (DOTTED_QUAD.matcher(s).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = s.split("\\.");
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) octet;
            }
            return Optional.of(address(bytes));
        }
        if (IPV6.matcher(s).matches()) {
            try {
                // Text with a colon is read as an IPv6 literal or refused; the JDK never looks it up.
                return Optional.of(InetAddress.getByName(s));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * True for digits and dots that are not a dotted quad ({@code 127.1}, {@code 2130706433},
     * {@code 0177.0.0.1}): resolvers read such hosts as addresses in differing ways, so they are refused.
     */
    static boolean isAmbiguousNumber(String host) {
        return NUMERIC.matcher(host).matches() && parse(host).isEmpty();
    }

    /** The IPv4 address an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) stands for; any other address as is. */
    static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return address;
                }
            }
            if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                return address(new byte[] {b[12], b[13], b[14], b[15]});
            }
        }
        return address;
    }

    /** An address without a host name, so that nothing downstream resolves it again. */
    static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length, e);
        }
    }
}
