package io.wagw.node.webhook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of webhook work on this node, for the metrics endpoint. One instance is shared by the
 * node's {@link WebhookPublisher} and {@link WebhookDispatcher}. No labels carry URLs or content.
 */
public final class WebhookMetrics {
    /** Result labels of {@link #deliveriesByResult()}. */
    public static final String DELIVERED = "delivered";

    public static final String RETRIED = "retried";
    public static final String DEAD = "dead";

    private final LongAdder enqueued = new LongAdder();
    private final LongAdder enqueueFailures = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder dead = new LongAdder();
    private final LongAdder claimsLost = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();

    void countEnqueued(int rows) {
        enqueued.add(rows);
    }

    void countEnqueueFailure() {
        enqueueFailures.increment();
    }

    void countDelivered() {
        delivered.increment();
    }

    void countRetried() {
        retried.increment();
    }

    void countDead() {
        dead.increment();
    }

    void countClaimLost() {
        claimsLost.increment();
    }

    AtomicInteger inFlightCounter() {
        return inFlight;
    }

    /** Delivery rows written to the outbox by this node. */
    public long enqueued() {
        return enqueued.sum();
    }

    /**
     * Events that could not be written to the outbox (database unavailable), or one webhook's copy of an
     * event the outbox refused; they are not delivered.
     */
    public long enqueueFailures() {
        return enqueueFailures.sum();
    }

    /** Attempts the receiver accepted (2xx). */
    public long delivered() {
        return delivered.sum();
    }

    /** Failed attempts scheduled for another try. */
    public long retried() {
        return retried.sum();
    }

    /** Failed attempts after which the delivery was given up (dead letter). */
    public long dead() {
        return dead.sum();
    }

    /** Attempts whose outcome was not recorded because their claim lapsed and another claimer took the row. */
    public long claimsLost() {
        return claimsLost.sum();
    }

    /** Requests in flight right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@code delivered}, {@code retried} and {@code dead} counts, e.g. for a {@code result} label. */
    public Map<String, Long> deliveriesByResult() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(DELIVERED, delivered());
        m.put(RETRIED, retried());
        m.put(DEAD, dead());
        return m;
    }
}
