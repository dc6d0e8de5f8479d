package io.wagw.store.assistant;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the assistant keeps about one customer of one tenant.
 *
 * @param notes   notes written through the API, oldest first: {@code {text, at}}
 * @param summary a summary of the conversation so far, or null
 */
public record Customer(
        String tenant,
        String phone,
        String pushName,
        String language,
        Instant firstContactAt,
        Instant lastContactAt,
        long messageCount,
        boolean optedOut,
        Instant rateNoticeAt,
        List<Map<String, Object>> notes,
        String summary) {}
