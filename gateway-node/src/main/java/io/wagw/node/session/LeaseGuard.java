package io.wagw.node.session;

import io.wagw.store.lease.SessionLease;
import java.time.Duration;
import java.util.OptionalLong;
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
    private volatile boolean released;

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

    /** The lease was given back: nothing of this worker needs the dead man's switch any more. */
    void released() {
        released = true;
    }

    /**
     * Until when ({@link System#nanoTime()}) the lease surely holds, while it is this worker's to keep: empty
     * once fenced or released (the worker's page is closed or closing).
     */
    OptionalLong holdsUntilNanos() {
        return fenced.get() || released ? OptionalLong.empty() : OptionalLong.of(validUntilNanos);
    }
}
