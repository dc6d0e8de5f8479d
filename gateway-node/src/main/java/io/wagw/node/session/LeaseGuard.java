package io.wagw.node.session;

import io.wagw.store.lease.SessionLease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker's lease: the newest one renewed, until when it surely holds (counted from when its renewal was
 * asked for), and whether the worker is fenced. Once fenced, for good, the worker may write nothing.
 */
final class LeaseGuard {
    private final Duration ttl;
    private final AtomicBoolean fenced = new AtomicBoolean();
    private volatile SessionLease lease;
    private volatile long validUntilNanos;

    LeaseGuard(SessionLease lease, Duration ttl, long acquiredAtNanos) {
        this.lease = lease;
        this.ttl = ttl;
        this.validUntilNanos = acquiredAtNanos + ttl.toNanos();
    }

    SessionLease lease() {
        return lease;
    }

    boolean fenced() {
        return fenced.get();
    }

    /** May the worker write the session's state? */
    boolean mayWrite() {
        return !fenced.get();
    }

    /** The renewal of {@code asked}, asked for at {@code askedAtNanos}, gave {@code renewed}. */
    void renewed(SessionLease asked, SessionLease renewed, long askedAtNanos) {
        if (lease == asked && !fenced.get()) {
            lease = renewed;
            validUntilNanos = askedAtNanos + ttl.toNanos();
        }
    }

    /** Whether the lease may have expired by {@code nowNanos} (no renewal came through in time). */
    boolean expired(long nowNanos) {
        return nowNanos > validUntilNanos;
    }

    /** Fences the worker; true for the call that did it. */
    boolean fence() {
        return fenced.compareAndSet(false, true);
    }

    /** How long the page may stay connected: until {@code margin} before the lease could expire; 0 once fenced. */
    long pageMayStayMs(Duration margin, long nowNanos) {
        if (fenced.get()) {
            return 0;
        }
        return (validUntilNanos - nowNanos) / 1_000_000 - margin.toMillis();
    }
}
