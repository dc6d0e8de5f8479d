package io.wagw.store.webhook;

import java.util.List;

/**
 * One delivery to enqueue: an event's body for one webhook of a session.
 *
 * @param requestId unique id of this delivery, sent as {@code X-Webhook-Request-Id} on every attempt
 * @param body      the JSON text exactly as it will be sent (and signed)
 * @param hmacKey   the webhook's signing key at enqueue time, or null when it is not signed
 */
public record NewDelivery(
        String url,
        String event,
        String requestId,
        String body,
        String hmacKey,
        List<WebhookHeader> headers,
        RetryPlan retry) {

    public NewDelivery {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    @Override
    public String toString() {
        // The body holds message text and phone numbers, the key is a secret: neither belongs in logs.
        return "NewDelivery[event=%s, requestId=%s, signed=%s]".formatted(event, requestId, hmacKey != null);
    }
}
