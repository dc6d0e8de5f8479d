package io.wagw.assistant.model;

import java.time.Duration;

/**
 * One chat provider as configured: the node's ({@code GW_LLM_*}) or a tenant's (its settings' {@code model}
 * section).
 *
 * @param name       names the provider in logs, metrics and {@code /health} ({@code primary}, {@code secondary},
 *                   {@code tenant:<slug>}); each name has its own circuit breaker
 * @param baseUrl    the endpoint; null for the kind's public one
 * @param mainModel  the model for questions that are not short and simple
 * @param cheapModel the model for short and simple questions; null to use the main one
 * @param timeout    the longest one attempt may take
 * @param retries    further attempts after a failed one (429, 5xx, timeout), 0 for none
 */
public record ProviderConfig(
        String name,
        ProviderKind kind,
        String baseUrl,
        String apiKey,
        String mainModel,
        String cheapModel,
        Duration timeout,
        int retries) {

    public String effectiveBaseUrl() {
        return baseUrl == null ? kind.defaultBaseUrl() : baseUrl;
    }

    /** The cheap model, or the main one when none is configured. */
    public String effectiveCheapModel() {
        return cheapModel == null ? mainModel : cheapModel;
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "ProviderConfig[name=%s, kind=%s, baseUrl=%s, mainModel=%s, cheapModel=%s, timeout=%s, retries=%d]"
                .formatted(name, kind.code(), effectiveBaseUrl(), mainModel, cheapModel, timeout, retries);
    }
}
