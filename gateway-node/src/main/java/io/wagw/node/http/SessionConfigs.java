package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.webhook.DestinationPolicy;
import io.wagw.node.webhook.WebhookConfig;
import io.wagw.store.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Validates a session's {@code config} (WAHA's shape plus our {@code autoReply}); every error names its path. */
final class SessionConfigs {
    private static final Set<String> KEYS = Set.of("webhooks", "metadata", "autoReply", "debug", "proxy");

    private SessionConfigs() {}

    /**
     * @param destinations where this node sends webhooks; a webhook URL with an IP address it refuses is
     *                     refused here already
     */
    static Map<String, Object> validate(JsonObject config, DestinationPolicy destinations) {
        if (config == null) {
            return Map.of();
        }
        for (String key : config.fieldNames()) {
            if (!KEYS.contains(key)) {
                throw ApiError.badRequest(
                        "config." + key,
                        "unknown config field '%s'; accepted: %s"
                                .formatted(
                                        key,
                                        String.join(", ", KEYS.stream().sorted().toList())));
            }
        }
        Object webhooks = config.getValue("webhooks");
        if (webhooks != null) {
            if (!(webhooks instanceof JsonArray array)) {
                throw ApiError.badRequest("config.webhooks", "config.webhooks must be an array");
            }
            try {
                List<WebhookConfig> parsed = WebhookConfig.parse(config.getMap().get("webhooks"), destinations);
                for (int i = 0; i < parsed.size(); i++) {
                    array.getJsonObject(i).put("url", parsed.get(i).url()); // normalised: scheme and host in lower case
                }
            } catch (StoreException.InvalidInput e) {
                throw ApiError.badRequest(e.field(), e.getMessage());
            }
        }
        Object metadata = config.getValue("metadata");
        if (metadata != null) {
            if (!(metadata instanceof JsonObject m)) {
                throw ApiError.badRequest("config.metadata", "config.metadata must be an object of strings");
            }
            if (m.size() > 50) {
                throw ApiError.badRequest("config.metadata", "config.metadata holds at most 50 entries");
            }
            for (String k : m.fieldNames()) {
                if (!(m.getValue(k) instanceof String v) || v.length() > 1000 || k.length() > 100) {
                    throw ApiError.badRequest(
                            "config.metadata." + k, "metadata values must be strings of at most 1000 characters");
                }
            }
        }
        Object reply = config.getValue(AutoReplyHandler.CONFIG_KEY);
        if (reply != null && (!(reply instanceof String r) || r.isBlank() || r.length() > 4096)) {
            throw ApiError.badRequest(
                    "config.autoReply", "config.autoReply must be a non-empty text of at most 4096 characters");
        }
        Object debug = config.getValue("debug");
        if (debug != null && !(debug instanceof Boolean)) {
            throw ApiError.badRequest("config.debug", "config.debug must be true or false");
        }
        if (config.getValue("proxy") != null) {
            throw ApiError.badRequest("config.proxy", "per-session proxies are not supported; leave config.proxy null");
        }
        // a field set to null is absent (WAHA clients send "proxy": null), and is not stored
        Map<String, Object> stored = new LinkedHashMap<>(config.getMap());
        stored.values().removeIf(Objects::isNull);
        return stored;
    }
}
