package io.wagw.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class HealthScoreTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final long GB = 1L << 30;
    private final HealthScore score = HealthScore.defaults();

    private static NodeMetrics healthy() {
        return new NodeMetrics("node-a", NOW.minusSeconds(1), 40, 20, GB / 4, GB, 4 * GB, 10 * GB, 0.30, 0, 0, false);
    }

    private static NodeMetrics with(
            NodeMetrics m, int sessions, long heapUsed, long chromium, double cpu, int failures, int crashes) {
        return new NodeMetrics(
                m.nodeId(),
                m.publishedAt(),
                m.capacity(),
                sessions,
                heapUsed,
                m.heapMaxBytes(),
                chromium,
                m.chromiumBudgetBytes(),
                cpu,
                failures,
                crashes,
                m.draining());
    }

    @Test
    void healthyNodeIsActiveWithFullWeight() {
        NodeHealth health = score.evaluate(healthy(), NOW);

        assertThat(health.weight()).isEqualTo(1.0);
        assertThat(health.state()).isEqualTo(NodeState.ACTIVE);
        assertThat(health.concerns()).isEmpty();
        assertThat(health.toSpec()).isEqualTo(new NodeSpec("node-a", 40, 1.0, NodeState.ACTIVE));
    }

    @Test
    void chromiumNearItsBudgetLowersTheWeightLinearly() {
        // Pressure 0.825 is halfway between 0.70 and 0.95: 1 - 0.75 × 0.5 = 0.625, rounded down to 0.60.
        NodeMetrics m = with(healthy(), 20, GB / 4, (long) (8.25 * GB), 0.3, 0, 0);

        NodeHealth health = score.evaluate(m, NOW);

        assertThat(health.weight()).isEqualTo(0.60);
        assertThat(health.state()).isEqualTo(NodeState.DEGRADED);
        assertThat(health.concerns()).containsExactly("memory pressure 0.83");
    }

    @Test
    void fullHeapKeepsAQuarterOfTheWeight() {
        NodeMetrics m = with(healthy(), 20, GB, 4 * GB, 0.3, 0, 0);

        assertThat(score.evaluate(m, NOW).weight()).isEqualTo(0.25);
    }

    @Test
    void saturatedCpuAtMostHalvesTheWeight() {
        assertThat(score.evaluate(with(healthy(), 20, GB / 4, 4 * GB, 1.0, 0, 0), NOW)
                        .weight())
                .isEqualTo(0.5);
        assertThat(score.evaluate(with(healthy(), 20, GB / 4, 4 * GB, 0.9, 0, 0), NOW)
                        .weight())
                .isEqualTo(0.75);
    }

    @Test
    void unknownCpuLoadIsIgnored() {
        assertThat(score.evaluate(with(healthy(), 20, GB / 4, 4 * GB, -1.0, 0, 0), NOW)
                        .weight())
                .isEqualTo(1.0);
        assertThat(score.evaluate(with(healthy(), 20, GB / 4, 4 * GB, Double.NaN, 0, 0), NOW)
                        .weight())
                .isEqualTo(1.0);
    }

    @Test
    void startFailuresAndCrashesCompound() {
        // 0.85^2 × 0.7 = 0.50575 → 0.50
        NodeHealth health = score.evaluate(with(healthy(), 20, GB / 4, 4 * GB, 0.3, 2, 1), NOW);

        assertThat(health.weight()).isEqualTo(0.50);
        assertThat(health.state()).isEqualTo(NodeState.DEGRADED);
        assertThat(health.concerns()).containsExactly("2 recent start failures", "1 recent browser crashes");
    }

    @Test
    void oneStartFailureLeavesTheNodeActive() {
        NodeHealth health = score.evaluate(with(healthy(), 20, GB / 4, 4 * GB, 0.3, 1, 0), NOW);

        assertThat(health.weight()).isEqualTo(0.85);
        assertThat(health.state()).isEqualTo(NodeState.ACTIVE);
    }

    @Test
    void runningAboveCapacityLowersTheWeight() {
        assertThat(score.evaluate(with(healthy(), 50, GB / 4, 4 * GB, 0.3, 0, 0), NOW)
                        .weight())
                .isEqualTo(0.80);
    }

    @Test
    void staleMetricsMeanTheNodeIsDown() {
        NodeMetrics m = healthy();

        NodeHealth fresh = score.evaluate(m, m.publishedAt().plusSeconds(10));
        NodeHealth stale = score.evaluate(m, m.publishedAt().plusSeconds(10).plusMillis(1));

        assertThat(fresh.state()).isEqualTo(NodeState.ACTIVE);
        assertThat(stale.state()).isEqualTo(NodeState.DOWN);
        assertThat(stale.weight()).isZero();
    }

    @Test
    void drainingFlagWinsOverHealthButNotOverStaleness() {
        NodeMetrics h = healthy();
        NodeMetrics draining = new NodeMetrics(
                h.nodeId(),
                h.publishedAt(),
                h.capacity(),
                h.sessionsRunning(),
                h.heapUsedBytes(),
                h.heapMaxBytes(),
                h.chromiumMemoryBytes(),
                h.chromiumBudgetBytes(),
                1.0,
                3,
                3,
                true);

        assertThat(score.evaluate(draining, NOW).state()).isEqualTo(NodeState.DRAINING);
        assertThat(score.evaluate(draining, NOW.plusSeconds(60)).state()).isEqualTo(NodeState.DOWN);
    }

    @Test
    void worseMetricsNeverRaiseTheWeight() {
        Random random = new Random(7);
        List<UnaryOperator<NodeMetrics>> worsen = List.of(
                m -> with(
                        m,
                        m.sessionsRunning() + 1 + random.nextInt(20),
                        m.heapUsedBytes(),
                        m.chromiumMemoryBytes(),
                        m.systemCpuLoad(),
                        m.recentStartFailures(),
                        m.recentBrowserCrashes()),
                m -> with(
                        m,
                        m.sessionsRunning(),
                        m.heapUsedBytes() + random.nextLong(GB / 4),
                        m.chromiumMemoryBytes(),
                        m.systemCpuLoad(),
                        m.recentStartFailures(),
                        m.recentBrowserCrashes()),
                m -> with(
                        m,
                        m.sessionsRunning(),
                        m.heapUsedBytes(),
                        m.chromiumMemoryBytes() + random.nextLong(2 * GB),
                        m.systemCpuLoad(),
                        m.recentStartFailures(),
                        m.recentBrowserCrashes()),
                m -> with(
                        m,
                        m.sessionsRunning(),
                        m.heapUsedBytes(),
                        m.chromiumMemoryBytes(),
                        Math.max(0, m.systemCpuLoad()) + random.nextDouble() * 0.3,
                        m.recentStartFailures(),
                        m.recentBrowserCrashes()),
                m -> with(
                        m,
                        m.sessionsRunning(),
                        m.heapUsedBytes(),
                        m.chromiumMemoryBytes(),
                        m.systemCpuLoad(),
                        m.recentStartFailures() + 1,
                        m.recentBrowserCrashes()),
                m -> with(
                        m,
                        m.sessionsRunning(),
                        m.heapUsedBytes(),
                        m.chromiumMemoryBytes(),
                        m.systemCpuLoad(),
                        m.recentStartFailures(),
                        m.recentBrowserCrashes() + 1));
        int lowered = 0;
        for (int trial = 0; trial < 5_000; trial++) {
            NodeMetrics m = randomMetrics(random);
            NodeHealth before = score.evaluate(m, NOW);
            NodeMetrics worse = worsen.get(random.nextInt(worsen.size())).apply(m);
            NodeHealth after = score.evaluate(worse, NOW);

            assertThat(after.weight())
                    .as("%s -> %s", m, worse)
                    .isLessThanOrEqualTo(before.weight())
                    .isBetween(0.0, 1.0);
            if (before.state() == NodeState.DEGRADED) {
                assertThat(after.state()).as("%s -> %s", m, worse).isEqualTo(NodeState.DEGRADED);
            }
            lowered += after.weight() < before.weight() ? 1 : 0;
        }
        // The generator must actually exercise the slopes, or the property above would hold vacuously.
        assertThat(lowered).isGreaterThan(1_000);
    }

    @Test
    void rejectsNegativeCountsAndBadOptions() {
        assertThatThrownBy(() -> with(healthy(), -1, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionsRunning");
        assertThatThrownBy(() -> new HealthScore(Duration.ZERO, 0.75)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HealthScore(Duration.ofSeconds(10), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static NodeMetrics randomMetrics(Random random) {
        int capacity = 1 + random.nextInt(60);
        return new NodeMetrics(
                "node-r",
                NOW,
                capacity,
                random.nextInt(capacity + 10),
                random.nextLong(GB),
                GB,
                random.nextLong(10 * GB),
                10 * GB,
                random.nextInt(10) == 0 ? -1.0 : random.nextDouble(),
                random.nextInt(4),
                random.nextInt(3),
                false);
    }
}
