package io.wagw.router.health;

import io.wagw.router.placement.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns the metrics a node publishes into a health weight and a state. Pure: the time is passed in.
 *
 * <h2>Weight</h2>
 * {@code weight = floor20(memory × cpu × starts × crashes × overload)}, each factor in [0, 1]:
 * <ul>
 *   <li>{@code memory}: 1 up to a memory pressure (see {@link NodeMetrics#memoryPressure()}) of 0.70, falling
 *       linearly to 0.25 at 0.95 and beyond. The floor keeps a node under pressure from shedding everything:
 *       its bound shrinks to about a quarter of its share.</li>
 *   <li>{@code cpu}: 1 up to a system CPU load of 0.80, falling linearly to 0.5 at 1.0; 1 when unknown. CPU
 *       spikes are common and short, so they can at most halve the weight.</li>
 *   <li>{@code starts}: 0.85 to the power of recent start failures.</li>
 *   <li>{@code crashes}: 0.70 to the power of recent browser crashes.</li>
 *   <li>{@code overload}: {@code capacity / sessionsRunning} when the node runs more than its capacity, else 1.</li>
 *   <li>{@code floor20(x) = floor(20 x) / 20}: steps of 0.05, so noise in the metrics does not change the ring.</li>
 * </ul>
 * Every factor is non-increasing in its metric and the product and {@code floor20} are monotone, so worse
 * metrics never raise the weight.
 *
 * <h2>State</h2>
 * {@code DOWN} when the metrics are older than {@code staleAfter} (the node stopped publishing; weight 0);
 * else {@code DRAINING} when the node is draining; else {@code DEGRADED} when the weight is below
 * {@code degradedBelow}; else {@code ACTIVE}.
 */
public final class HealthScore {
    static final double MEMORY_START = 0.70;
    static final double MEMORY_FULL = 0.95;
    static final double MEMORY_FLOOR = 0.25;
    static final double CPU_START = 0.80;
    static final double CPU_FLOOR = 0.5;
    static final double START_FAILURE_FACTOR = 0.85;
    static final double CRASH_FACTOR = 0.70;

    private final Duration staleAfter;
    private final double degradedBelow;

    /**
     * @param staleAfter    metrics older than this mean the node is {@code DOWN}; match the membership failure
     *                      detection (10 s by default)
     * @param degradedBelow a weight below this makes the node {@code DEGRADED}, in (0, 1]
     */
    public HealthScore(Duration staleAfter, double degradedBelow) {
        Objects.requireNonNull(staleAfter, "staleAfter");
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter must be positive, was " + staleAfter);
        }
        if (!(degradedBelow > 0 && degradedBelow <= 1)) {
            throw new IllegalArgumentException("degradedBelow must be in (0, 1], was " + degradedBelow);
        }
        this.staleAfter = staleAfter;
        this.degradedBelow = degradedBelow;
    }

    /** Stale after 10 s, degraded below 0.75. */
    public static HealthScore defaults() {
        return new HealthScore(Duration.ofSeconds(10), 0.75);
    }

    public NodeHealth evaluate(NodeMetrics metrics, Instant now) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(now, "now");
        List<String> concerns = new ArrayList<>();
        Duration age = Duration.between(metrics.publishedAt(), now);
        if (age.compareTo(staleAfter) > 0) {
            concerns.add("no metrics for " + age.toMillis() + " ms");
            return new NodeHealth(metrics.nodeId(), metrics.capacity(), 0.0, NodeState.DOWN, concerns);
        }
        double weight = floor20(factors(metrics, concerns));
        NodeState state;
        if (metrics.draining()) {
            state = NodeState.DRAINING;
        } else if (weight < degradedBelow) {
            state = NodeState.DEGRADED;
        } else {
            state = NodeState.ACTIVE;
        }
        return new NodeHealth(metrics.nodeId(), metrics.capacity(), weight, state, concerns);
    }

    private static double factors(NodeMetrics m, List<String> concerns) {
        double pressure = m.memoryPressure();
        double memory = ramp(pressure, MEMORY_START, MEMORY_FULL, MEMORY_FLOOR);
        if (memory < 1) {
            concerns.add(String.format(Locale.ROOT, "memory pressure %.2f", pressure));
        }
        double cpuLoad = m.systemCpuLoad();
        double cpu = cpuLoad >= 0 ? ramp(cpuLoad, CPU_START, 1.0, CPU_FLOOR) : 1.0;
        if (cpu < 1) {
            concerns.add(String.format(Locale.ROOT, "cpu load %.2f", cpuLoad));
        }
        double starts = Math.pow(START_FAILURE_FACTOR, m.recentStartFailures());
        if (m.recentStartFailures() > 0) {
            concerns.add(m.recentStartFailures() + " recent start failures");
        }
        double crashes = Math.pow(CRASH_FACTOR, m.recentBrowserCrashes());
        if (m.recentBrowserCrashes() > 0) {
            concerns.add(m.recentBrowserCrashes() + " recent browser crashes");
        }
        double overload = 1.0;
        if (m.sessionsRunning() > m.capacity() && m.sessionsRunning() > 0) {
            overload = (double) m.capacity() / m.sessionsRunning();
            concerns.add(m.sessionsRunning() + " sessions on capacity " + m.capacity());
        }
        return memory * cpu * starts * crashes * overload;
    }

    /** 1 up to {@code start}, then linear down to {@code floor} at {@code full} and beyond. */
    static double ramp(double value, double start, double full, double floor) {
        if (value <= start) {
            return 1.0;
        }
        if (value >= full) {
            return floor;
        }
        return 1.0 - (1.0 - floor) * (value - start) / (full - start);
    }

    /** Rounds down to a multiple of 0.05, tolerating the binary representation of exact multiples. */
    static double floor20(double x) {
        double clamped = Math.max(0.0, Math.min(1.0, x));
        return Math.floor(clamped * 20 + 1e-9) / 20;
    }
}
