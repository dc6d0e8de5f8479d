package io.wagw.node.webhook;

import static io.wagw.node.webhook.CidrTest.ip;
import static io.wagw.node.webhook.CidrTest.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationPolicyTest {

    private static DestinationPolicy allowing(String... networks) {
        return new DestinationPolicy(List.of(networks).stream().map(Cidr::parse).toList());
    }

    @Test
    void byDefaultOnlyPublicAddressesAreAllowed() {
        var policy = DestinationPolicy.PUBLIC_ONLY;
        assertThat(policy.refusal(ip("93.184.216.34"))).isEmpty();
        assertThat(policy.refusal(ip("2606:2800:220:1:248:1893:25c8:1946"))).isEmpty();
        assertThat(policy.refusal(ip("127.0.0.1"))).contains(AddressClass.LOOPBACK);
        assertThat(policy.refusal(ip("10.0.0.8"))).contains(AddressClass.PRIVATE);
        assertThat(policy.refusal(ip("169.254.169.254"))).contains(AddressClass.CLOUD_METADATA);
        assertThat(policy.refusal(ip("fd00:ec2::254"))).contains(AddressClass.CLOUD_METADATA);
        assertThat(policy.refusal(ip("::"))).contains(AddressClass.UNSPECIFIED);
        assertThat(policy.refusal(mapped("127.0.0.1"))).contains(AddressClass.LOOPBACK);
    }

    @Test
    void anAllowedNetworkOpensItsAddressesAndNoOthers() {
        var policy = allowing("10.20.0.0/16", "fd12::/16");
        assertThat(policy.refusal(ip("10.20.3.4"))).isEmpty();
        assertThat(policy.refusal(mapped("10.20.3.4"))).isEmpty();
        assertThat(policy.refusal(ip("fd12::8"))).isEmpty();
        assertThat(policy.refusal(ip("10.21.0.1"))).contains(AddressClass.PRIVATE);
        assertThat(policy.refusal(ip("127.0.0.1"))).contains(AddressClass.LOOPBACK);
        assertThat(policy.refusal(ip("8.8.8.8"))).isEmpty();
    }

    @Test
    void aMetadataAddressIsOpenedOnlyByNamingItAlone() {
        assertThat(allowing("169.254.0.0/16").refusal(ip("169.254.169.254"))).contains(AddressClass.CLOUD_METADATA);
        assertThat(allowing("169.254.0.0/16").refusal(ip("169.254.1.1"))).isEmpty();
        assertThat(allowing("0.0.0.0/0").refusal(ip("169.254.169.254"))).contains(AddressClass.CLOUD_METADATA);
        assertThat(allowing("fd00::/8").refusal(ip("fd00:ec2::254"))).contains(AddressClass.CLOUD_METADATA);
        assertThat(allowing("169.254.169.254/32").refusal(ip("169.254.169.254")))
                .isEmpty();
    }
}
