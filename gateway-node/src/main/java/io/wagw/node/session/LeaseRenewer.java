package io.wagw.node.session;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreOutage;
import io.wagw.store.lease.SessionLease;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of every session on this node in one statement per round (a statement per session made
 * 25 a second at 50 sessions, all at once every round). A lease the statement did not renew is renewed on
 * its own, which says why it was refused and fences that worker; a round that fails makes each worker check
 * its lease's deadline.
 */
final class LeaseRenewer {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    private final SessionStore store;
    private final String nodeId;
    private final Duration ttl;
    private final Supplier<Collection<SessionWorker>> workers;
    private final Runnable afterRound;
    private ScheduledExecutorService scheduler;
    /** When ({@link System#nanoTime()}) a slow round was last logged; rounds slow in between are counted. */
    private long slowLoggedAt = System.nanoTime() - SLOW_LOG_EVERY_NANOS;

    private int slowUnlogged;

    private static final long SLOW_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** {@code afterRound} runs after every round, whatever its outcome (it arms the dead man's switch). */
    LeaseRenewer(
            SessionStore store,
            String nodeId,
            Duration ttl,
            Supplier<Collection<SessionWorker>> workers,
            Runnable afterRound) {
        this.store = store;
        this.nodeId = nodeId;
        this.ttl = ttl;
        this.workers = workers;
        this.afterRound = afterRound;
    }

    /**
     * Renews eight times per TTL ({@link #every}), on a thread of its own (no other task of the node can hold a
     * round up).
     */
    void schedule(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        scheduler.schedule(this::round, every(ttl), TimeUnit.MILLISECONDS);
    }

    /**
     * Milliseconds from the start of one round to the start of the next. Counted from the start, not the end: a
     * round slowed by a busy database must not put the next one off by its own length as well, which would
     * take it twice from what the dead man's switch tolerates. A round made late by a pause of the whole JVM
     * runs once when it resumes, not once for every period it missed.
     */
    static long every(Duration ttl) {
        return ttl.toMillis() / 8;
    }

    private void round() {
        long startedAt = System.nanoTime();
        // an exception would end the schedule: log it and go on
        try {
            renewAll();
        } catch (RuntimeException e) {
            log.error("lease renewal round failed", e);
        }
        long renewedAt = System.nanoTime();
        try {
            afterRound.run();
        } catch (RuntimeException e) {
            log.error("arming the dead man's switch failed", e);
        }
        long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
        if (tookMs > 2 * every(ttl)) {
            slow(tookMs, (renewedAt - startedAt) / 1_000_000);
        }
        try {
            scheduler.schedule(this::round, Math.max(0, every(ttl) - tookMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the runtime is closing
        }
    }

    /**
     * A round that took more than two periods: the dead man's switch fires when renewals stall for the TTL less
     * its margin, so operators hear of slow ones (a busy database, a pool without a free connection) before.
     */
    private void slow(long tookMs, long renewalMs) {
        long now = System.nanoTime();
        if (now - slowLoggedAt < SLOW_LOG_EVERY_NANOS) {
            slowUnlogged++;
            return;
        }
        log.warn(
                "a lease renewal round took {} ms, {} of them renewing (renewed every {} ms, lease TTL {} ms){}",
                tookMs,
                renewalMs,
                every(ttl),
                ttl.toMillis(),
                slowUnlogged == 0 ? "" : "; " + slowUnlogged + " more slow round(s) since the last warning");
        slowLoggedAt = now;
        slowUnlogged = 0;
    }

    void renewAll() {
        Map<SessionWorker, SessionLease> held = new HashMap<>();
        for (SessionWorker w : workers.get()) {
            w.leaseToRenew().ifPresent(l -> held.put(w, l));
        }
        if (held.isEmpty()) {
            return;
        }
        long askedAt = System.nanoTime();
        Map<String, SessionLease> renewed;
        try {
            renewed = store.leases().renewAll(nodeId, List.copyOf(held.values()), ttl);
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                log.warn("renewing {} leases failed ({}); will retry", held.size(), e.getMessage());
            } else {
                log.warn("renewing {} leases failed; will retry", held.size(), e);
            }
            held.keySet().forEach(SessionWorker::checkLeaseDeadline);
            return;
        }
        held.forEach((w, lease) -> {
            SessionLease now = renewed.get(lease.session());
            if (now != null) {
                w.leaseRenewed(lease, now, askedAt);
            } else {
                Thread.ofVirtual().start(w::renewLease);
            }
        });
    }
}
