package io.wagw.store.webhook;

/**
 * Where a webhook delivery stands: {@code pending} (waiting for its next attempt), {@code delivering}
 * (claimed by a node), {@code delivered} (the receiver answered 2xx) or {@code dead} (given up; can be
 * re-queued by hand).
 */
public enum DeliveryStatus {
    pending,
    delivering,
    delivered,
    dead
}
