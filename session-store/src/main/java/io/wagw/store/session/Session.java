package io.wagw.store.session;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A tenant's WhatsApp session (one linked device).
 *
 * @param config       free-form JSON configuration (webhooks, metadata, ...), as parsed maps and lists
 * @param statusReason why the session is in its status (e.g. the failure), or {@code null}
 * @param meId         own WhatsApp id once linked, e.g. {@code 77011234567@c.us}
 */
public record Session(
        long id,
        String tenant,
        String name,
        SessionStatus status,
        String statusReason,
        Map<String, Object> config,
        String meId,
        String mePushName,
        Instant createdAt,
        Instant updatedAt) {

    public Session {
        // a key set to null is absent (WAHA clients send "proxy": null); rows stored before that rule hold such keys
        config = config == null
                ? Map.of()
                : config.entrySet().stream()
                        .filter(e -> e.getValue() != null)
                        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public Optional<String> me() {
        return Optional.ofNullable(meId);
    }
}
