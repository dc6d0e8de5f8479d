package io.wagw.node.http;

import io.wagw.assistant.model.ProviderGuards;
import io.wagw.assistant.service.AssistantService;
import io.wagw.node.cluster.ClusterAgent;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.metrics.NodeMetrics;
import io.wagw.node.session.SessionControl;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.webhook.WebhookPublisher;
import io.wagw.store.SessionStore;
import java.time.Instant;

/**
 * What the HTTP API works with; built once by the node's wiring.
 *
 * @param adminKey the admin API key of this node ({@code GW_ADMIN_API_KEY}, or generated at start)
 * @param control  where start and stop requests go: this node's runtime, or the cluster
 * @param cluster  this node's cluster agent, or null for a standalone node
 * @param models   the guards around the node's language model providers: their breakers' states
 */
public record NodeServices(
        NodeConfig config,
        SessionStore store,
        SessionRuntime runtime,
        NodeMetrics metrics,
        PairingHub pairing,
        ConsoleHub console,
        PairTokens pairTokens,
        WebhookPublisher webhooks,
        AssistantService assistant,
        ProviderGuards models,
        SessionControl control,
        ClusterAgent cluster,
        String adminKey,
        String version,
        Instant startedAt) {}
