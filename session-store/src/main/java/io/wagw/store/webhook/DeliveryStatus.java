package io.wagw.store.webhook;

import io.wagw.store.WireValue;

/**
 * Where a webhook delivery stands: {@code pending} (waiting for its next attempt), {@code delivering}
 * (claimed by a node), {@code delivered} (the receiver answered 2xx) or {@code dead} (given up; can be
 * re-queued by hand). Stored and shown by {@link #value()}.
 */
public enum DeliveryStatus implements WireValue {
    PENDING("pending"),
    DELIVERING("delivering"),
    DELIVERED("delivered"),
    DEAD("dead");

    private final String value;

    DeliveryStatus(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** @throws IllegalArgumentException when {@code value} names no status */
    public static DeliveryStatus fromValue(String value) {
        return WireValue.fromValue(DeliveryStatus.class, value);
    }

    @Override
    public String toString() {
        return value;
    }
}
