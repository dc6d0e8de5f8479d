package io.wagw.store.message;

import io.wagw.store.WireValue;

/**
 * {@code received} for inbound; {@code pending} → {@code sent} or {@code failed} for outbound. Stored and
 * shown by {@link #value()}.
 */
public enum MessageStatus implements WireValue {
    RECEIVED("received"),
    PENDING("pending"),
    SENT("sent"),
    FAILED("failed");

    private final String value;

    MessageStatus(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** @throws IllegalArgumentException when {@code value} names no status */
    public static MessageStatus fromValue(String value) {
        return WireValue.fromValue(MessageStatus.class, value);
    }

    @Override
    public String toString() {
        return value;
    }
}
