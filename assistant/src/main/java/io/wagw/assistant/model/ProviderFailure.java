package io.wagw.assistant.model;

import java.time.Duration;
import java.util.Optional;

/** A provider call that gave no usable answer, with what kind of failure it was. */
public final class ProviderFailure extends RuntimeException {
    public enum Kind {
        /** 429: retried after {@code Retry-After} */
        RATE_LIMITED(true),
        /** 5xx or a dropped connection: retried with backoff */
        SERVER(true),
        /** no answer within the timeout: retried */
        TIMEOUT(true),
        /** an answer that is not the provider's format (malformed JSON, another schema, no text) */
        BAD_RESPONSE(false),
        /** any other 4xx: a wrong key, model or request; retrying would not help */
        REJECTED(false);

        final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final Kind kind;
    private final Duration retryAfter;

    public ProviderFailure(Kind kind, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable;
    }

    /** How long the provider asked to wait before the next request ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
