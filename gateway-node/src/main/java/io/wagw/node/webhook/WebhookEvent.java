package io.wagw.node.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The webhook events this gateway emits, under the names WAHA gives them. */
public enum WebhookEvent {
    MESSAGE("message"),
    MESSAGE_ACK("message.ack"),
    SESSION_STATUS("session.status"),
    /** the assistant handed a chat to a person (not a WAHA event) */
    ASSISTANT_ESCALATION("assistant.escalation"),
    /** the tenant's assistant used 80 % or all of its monthly quota (not a WAHA event) */
    QUOTA_ALERT("quota.alert");

    /** The name that subscribes a webhook to every event. */
    public static final String ALL = "*";

    private final String wireName;

    WebhookEvent(String wireName) {
        this.wireName = wireName;
    }

    /** The name in configurations and in the body's {@code event} field, e.g. {@code message.ack}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<WebhookEvent> byWireName(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }
}
