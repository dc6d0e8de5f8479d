package io.wagw.store.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of the webhook outbox.
 *
 * @param requestId      stable across attempts, so a receiver can recognise a repeated delivery
 * @param body           the JSON text exactly as sent and signed
 * @param hmacKey        the signing key, or null; never render it
 * @param attempts       attempts started so far (a claim counts as one, even when its node died)
 * @param claimedBy      the node that claimed the row last, or null when it was never claimed
 * @param claimToken     identifies the current claim while {@code delivering}; marks must present it
 * @param claimExpiresAt when the current claim lapses and the row becomes claimable again
 * @param lastHttpStatus the receiver's status of the last attempt, or null (no answer / never tried)
 */
public record WebhookDelivery(
        long id,
        String session,
        String url,
        String event,
        String requestId,
        String body,
        String hmacKey,
        List<WebhookHeader> headers,
        RetryPlan retry,
        int attempts,
        DeliveryStatus status,
        Instant nextAttemptAt,
        String claimedBy,
        UUID claimToken,
        Instant claimExpiresAt,
        String lastError,
        Integer lastHttpStatus,
        Instant createdAt,
        Instant updatedAt,
        Instant deliveredAt) {

    public WebhookDelivery {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** Whether this attempt is the last one the retry plan allows. */
    public boolean lastAttempt() {
        return attempts >= retry.maxAttempts();
    }

    @Override
    public String toString() {
        // Body (message text, phone numbers), URL (may carry tokens) and key stay out of logs.
        return "WebhookDelivery[id=%d, session=%s, event=%s, status=%s, attempts=%d/%d, lastHttpStatus=%s]"
                .formatted(id, session, event, status, attempts, retry.maxAttempts(), lastHttpStatus);
    }
}
