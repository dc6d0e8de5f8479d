package io.wagw.node.webhook;

import io.wagw.store.WireValue;
import io.wagw.store.webhook.RetryPlan;
import java.time.Duration;

/**
 * When to try a failed delivery again. Pure.
 *
 * <p>The delay after the n-th failed attempt is {@code base} ({@code constant}), {@code base × n}
 * ({@code linear}) or {@code base × 2^(n-1)} ({@code exponential}), capped at {@code cap}, then
 * spread by ±{@code jitter} (0.2 = ±20 %) so that receivers coming back are not hit by every sender
 * at once, and capped again.
 */
public record RetryPolicy(Kind kind, Duration base, Duration cap, double jitter) {

    /** WAHA's {@code retries.policy} values, as {@link #value()}; stored so in a delivery's {@code retry_policy}. */
    public enum Kind implements WireValue {
        CONSTANT("constant"),
        LINEAR("linear"),
        EXPONENTIAL("exponential");

        private final String value;

        Kind(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }

        /** @throws IllegalArgumentException when {@code value} names no policy */
        public static Kind fromValue(String value) {
            return WireValue.fromValue(Kind.class, value);
        }

        @Override
        public String toString() {
            return value;
        }
    }

    public static final double DEFAULT_JITTER = 0.2;

    public RetryPolicy {
        if (kind == null || base == null || cap == null) {
            throw new IllegalArgumentException("kind, base and cap are required");
        }
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("base must be positive and cap at least base");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }

    /** The policy a stored delivery was enqueued with; {@code cap} bounds the waits (but never below its base). */
    public static RetryPolicy of(RetryPlan plan, Duration cap) {
        Duration base = plan.delay();
        return new RetryPolicy(
                Kind.fromValue(plan.policy()), base, cap.compareTo(base) < 0 ? base : cap, DEFAULT_JITTER);
    }

    /**
     * The wait after {@code failedAttempts} failed attempts.
     *
     * @param random a uniform number in [0, 1], e.g. {@code ThreadLocalRandom.current().nextDouble()}
     */
    public Duration delayAfter(int failedAttempts, double random) {
        int n = Math.max(1, failedAttempts);
        double raw = switch (kind) {
            case CONSTANT -> base.toMillis();
            case LINEAR -> base.toMillis() * (double) n;
            case EXPONENTIAL -> base.toMillis() * Math.pow(2, Math.min(n - 1, 40));
        };
        double capped = Math.min(raw, cap.toMillis());
        double r = Math.max(0, Math.min(1, random));
        double spread = capped * (1 - jitter + 2 * jitter * r);
        return Duration.ofMillis(Math.max(1, Math.round(Math.min(spread, cap.toMillis()))));
    }

    /**
     * Whether an HTTP answer is worth another attempt: 5xx, 408 (request timeout) and 429 (too many
     * requests) are; every other status, 4xx above all, will not change by repeating the same request.
     * An attempt with no answer at all (connection refused, timeout) is always worth retrying.
     */
    public static boolean shouldRetry(int httpStatus) {
        return httpStatus == 408 || httpStatus == 429 || (httpStatus >= 500 && httpStatus <= 599);
    }
}
