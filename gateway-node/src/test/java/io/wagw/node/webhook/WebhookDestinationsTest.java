package io.wagw.node.webhook;

import static io.wagw.node.webhook.CidrTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookDestinationsTest {
    private final AtomicInteger lookups = new AtomicInteger();
    private final Map<String, List<String>> table = Map.of(
            "crm.example", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
            "rebound.example", List.of("127.0.0.1"),
            "mixed.example", List.of("93.184.216.34", "10.0.0.1"));

    private WebhookDestinations destinations(DestinationPolicy policy) {
        return new WebhookDestinations(policy, host -> {
            lookups.incrementAndGet();
            var addresses = table.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            return addresses.stream().map(CidrTest::ip).toList();
        });
    }

    @Test
    void aPublicNameGivesItsFirstAddressWithoutAHostNameToResolveAgain() throws Exception {
        var address = destinations(DestinationPolicy.PUBLIC_ONLY).resolve("crm.example");
        assertThat(address).isEqualTo(ip("93.184.216.34"));
        assertThat(address.toString()).as("no name attached").isEqualTo("/93.184.216.34");
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsRefused() {
        assertThatThrownBy(() -> destinations(DestinationPolicy.PUBLIC_ONLY).resolve("rebound.example"))
                .isInstanceOf(WebhookDestinations.Refused.class)
                .hasMessage(
                        "rebound.example resolved to 127.0.0.1 (loopback) is not public and outside GW_WEBHOOK_ALLOW_NETWORKS");
        assertThatThrownBy(() -> destinations(DestinationPolicy.PUBLIC_ONLY).resolve("mixed.example"))
                .isInstanceOf(WebhookDestinations.Refused.class)
                .hasMessageContaining("10.0.0.1 (private)");
    }

    @Test
    void literalsAreCheckedWithoutALookup() throws Exception {
        var destinations = destinations(new DestinationPolicy(List.of(Cidr.parse("10.20.0.0/16"))));
        assertThat(destinations.resolve("10.20.0.9")).isEqualTo(ip("10.20.0.9"));
        assertThat(destinations.resolve("[2606:2800:220:1:248:1893:25c8:1946]"))
                .isEqualTo(ip("2606:2800:220:1:248:1893:25c8:1946"));
        assertThatThrownBy(() -> destinations.resolve("[::ffff:10.21.0.9]"))
                .isInstanceOf(WebhookDestinations.Refused.class)
                .hasMessage("[::ffff:10.21.0.9] (private) is not public and outside GW_WEBHOOK_ALLOW_NETWORKS");
        assertThat(lookups).hasValue(0);
    }

    @Test
    void aNameThatDoesNotResolveSaysSo() {
        assertThatThrownBy(() -> destinations(DestinationPolicy.PUBLIC_ONLY).resolve("nowhere.example"))
                .isInstanceOf(UnknownHostException.class);
    }
}
