package io.wagw.node.session;

/**
 * Token bucket: {@code perMinute} tokens per minute, at most {@code burst} saved up. Pure: the caller
 * passes the time (nanoseconds, monotonic). Not thread-safe; one per session sender.
 */
public final class RateLimit {
    private final double perNano;
    private final int burst;
    private double tokens;
    private long last;

    public RateLimit(int perMinute, int burst, long nowNanos) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("perMinute and burst must be at least 1");
        }
        this.perNano = perMinute / 60e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Nanoseconds to wait before the next token is available (0 when one is available now). */
    public long waitNanos(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
    }

    /** Takes a token; call only when {@link #waitNanos} returned 0 at this time. */
    public void take(long nowNanos) {
        refill(nowNanos);
        if (tokens < 1) {
            throw new IllegalStateException("no token available");
        }
        tokens -= 1;
    }

    private void refill(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
    }
}
