package io.wagw.node.session;

import java.time.Duration;

/** Exponential restart delay: {@code base × 2^(failures-1)}, capped, with ±20 % jitter from {@code random}. Pure. */
public final class Backoff {
    private Backoff() {}

    public static Duration delay(int consecutiveFailures, Duration base, Duration max, double random) {
        if (consecutiveFailures < 1) {
            return Duration.ZERO;
        }
        double exp = base.toMillis() * Math.pow(2, Math.min(consecutiveFailures - 1, 30));
        double capped = Math.min(exp, max.toMillis());
        double jittered = capped * (0.8 + 0.4 * Math.max(0, Math.min(1, random)));
        return Duration.ofMillis(Math.round(Math.min(jittered, max.toMillis())));
    }
}
