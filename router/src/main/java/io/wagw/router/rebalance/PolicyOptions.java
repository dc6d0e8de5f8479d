package io.wagw.router.rebalance;

import java.time.Duration;
import java.util.Objects;

/**
 * Pacing of session moves.
 *
 * @param maxMovesPerNodePerMinute K: moves started in the last minute that touch a node (off it or onto it),
 *                                 beyond which further paced moves of that node wait; {@code >= 1}
 * @param unhealthyGrace           T: how long a node must stay unhealthy before sessions leave it because of
 *                                 its health
 * @param maxInFlightPerNode       paced moves touching one node that may be under way at once; 1 makes a
 *                                 draining node hand its sessions over one by one
 */
public record PolicyOptions(int maxMovesPerNodePerMinute, Duration unhealthyGrace, int maxInFlightPerNode) {
    /** The rate window: "per minute". */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    public PolicyOptions {
        Objects.requireNonNull(unhealthyGrace, "unhealthyGrace");
        if (maxMovesPerNodePerMinute < 1) {
            throw new IllegalArgumentException(
                    "maxMovesPerNodePerMinute must be >= 1, was " + maxMovesPerNodePerMinute);
        }
        if (unhealthyGrace.isNegative()) {
            throw new IllegalArgumentException("unhealthyGrace must not be negative, was " + unhealthyGrace);
        }
        if (maxInFlightPerNode < 1) {
            throw new IllegalArgumentException("maxInFlightPerNode must be >= 1, was " + maxInFlightPerNode);
        }
    }

    /** K = 6 moves per node per minute, T = 30 s, one move in flight per node. */
    public static PolicyOptions defaults() {
        return new PolicyOptions(6, Duration.ofSeconds(30), 1);
    }
}
