package io.wagw.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    private static ClusterSettings settings(List<String> members) {
        return ClusterSettings.defaults("node-1", "http://10.0.0.1:8080", "10.0.0.1", members);
    }

    @Test
    void defaultsDetectFailuresWithinTenSecondsOnPort5701() {
        ClusterSettings s = settings(List.of());

        assertThat(s.port()).isEqualTo(5701);
        assertThat(s.clusterName()).isEqualTo("wagw");
        assertThat(s.failureDetection()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.healthInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.coordinatorRound()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void membersWithoutAPortUseThisNodesPort() {
        ClusterSettings s = settings(List.of("10.0.0.1", "10.0.0.2:5801", " 10.0.0.3 ", "[fd00::4]", "[fd00::5]:5702"))
                .withPort(5799);

        assertThat(s.memberAddresses())
                .containsExactly("10.0.0.1:5799", "10.0.0.2:5801", "10.0.0.3:5799", "[fd00::4]:5799", "[fd00::5]:5702");
    }

    @Test
    void memberHostsAreTheListsHostsWithoutPortsOrBracketsEachOnce() {
        ClusterSettings s = settings(List.of("gw-1.internal", "10.0.0.2:5801", "10.0.0.2:5802", "[fd00::5]:5702"));

        assertThat(s.memberHosts()).containsExactly("gw-1.internal", "10.0.0.2", "fd00::5");
    }

    @Test
    void badMembersAreRejectedWithTheirText() {
        assertThatThrownBy(() -> settings(List.of("10.0.0.2:http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.2:http");
        assertThatThrownBy(() -> settings(List.of("10.0.0.2:70000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> settings(List.of("fd00::4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IPv6");
        assertThatThrownBy(() -> settings(List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void theHttpUrlMustBeAnAbsoluteHttpUrl() {
        assertThatThrownBy(() -> ClusterSettings.defaults("node-1", "10.0.0.1:8080", "10.0.0.1", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("httpUrl");
        assertThatThrownBy(() -> ClusterSettings.defaults("node-1", "ftp://10.0.0.1", "10.0.0.1", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("httpUrl");
    }

    @Test
    void timingsMustLetHealthArriveBeforeItCountsAsStale() {
        ClusterSettings s = settings(List.of());

        assertThatThrownBy(() -> s.withTimings(Duration.ofMillis(2500), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> s.withTimings(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 s");
        assertThatThrownBy(() -> s.withTimings(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("healthInterval");
        assertThat(s.withTimings(Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMillis(250))
                        .failureDetection())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aBlankNodeIdIsRejected() {
        assertThatThrownBy(() -> ClusterSettings.defaults(" ", "http://10.0.0.1:8080", "10.0.0.1", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId");
    }
}
