package io.wagw.store.message;

/** {@code received} for inbound; {@code pending} → {@code sent} or {@code failed} for outbound. */
public enum MessageStatus {
    received,
    pending,
    sent,
    failed
}
