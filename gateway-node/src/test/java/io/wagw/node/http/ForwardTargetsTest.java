package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardTargetsTest {
    /** A resolver with fixed answers: a name or literal not in it does not resolve. */
    private static final Map<String, List<InetAddress>> DNS = Map.of(
            "10.0.0.2", List.of(ip("10.0.0.2")),
            "10.0.0.3", List.of(ip("10.0.0.3")),
            "203.0.113.9", List.of(ip("203.0.113.9")),
            "gw-2.internal", List.of(ip("10.0.0.2")),
            "gw-3.internal", List.of(ip("10.0.0.3")),
            "mixed.example", List.of(ip("10.0.0.2"), ip("203.0.113.9")),
            "fd00::5", List.of(ip("fd00::5")),
            "[fd00::5]", List.of(ip("fd00::5")));

    private static ForwardTargets targets(String... memberHosts) {
        return new ForwardTargets(List.of(memberHosts), host -> DNS.getOrDefault(host, List.of()));
    }

    @Test
    void aUrlOnAMembersAddressGoesToThatAddress() {
        assertThat(targets("10.0.0.2", "10.0.0.3").address(URI.create("http://10.0.0.3:3000")))
                .contains(ip("10.0.0.3"));
        assertThat(targets("fd00::5").address(URI.create("http://[fd00::5]:3000")))
                .contains(ip("fd00::5"));
    }

    @Test
    void namesAndAddressesOfTheSameMemberMatchEitherWay() {
        assertThat(targets("gw-2.internal").address(URI.create("http://10.0.0.2:3000")))
                .contains(ip("10.0.0.2"));
        assertThat(targets("10.0.0.2").address(URI.create("https://gw-2.internal/")))
                .contains(ip("10.0.0.2"));
    }

    @Test
    void aUrlOutsideTheMemberListIsRefused() {
        assertThat(targets("10.0.0.2", "10.0.0.3").address(URI.create("http://203.0.113.9:3000")))
                .isEmpty();
        assertThat(targets("gw-2.internal").address(URI.create("http://gw-3.internal:3000")))
                .isEmpty();
    }

    @Test
    void aNameThatAlsoResolvesOutsideTheMembersIsRefused() {
        assertThat(targets("10.0.0.2").address(URI.create("http://mixed.example:3000")))
                .isEmpty();
    }

    @Test
    void aHostThatDoesNotResolveIsRefusedAndAMemberThatDoesNotResolveAdmitsNothing() {
        assertThat(targets("10.0.0.2").address(URI.create("http://gone.internal:3000")))
                .isEmpty();
        assertThat(targets("gone.internal").address(URI.create("http://10.0.0.2:3000")))
                .isEmpty();
        assertThat(targets("10.0.0.2").address(URI.create("mailto:ops@10.0.0.2")))
                .isEmpty();
    }

    @Test
    void theSystemResolverReadsAddressLiteralsWithoutALookup() {
        assertThat(ForwardTargets.system(List.of("127.0.0.2")).address(URI.create("http://127.0.0.2:3000")))
                .contains(ip("127.0.0.2"));
        assertThat(ForwardTargets.system(List.of("127.0.0.2")).address(URI.create("http://127.0.0.3:3000")))
                .isEmpty();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
