package io.wagw.assistant.model;

import io.wagw.assistant.settings.TenantSettings;
import io.wagw.assistant.settings.TenantSettings.ModelProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The providers a tenant's questions go to, in order: the tenant's own provider (its settings) or else the
 * node's primary ({@code GW_LLM_*}), then the node's secondary. Each is guarded by {@link ProviderGuards};
 * a tenant's provider is built once per configuration and named {@code tenant:<slug>}, with its own breaker.
 */
public final class ModelProviders {
    /** Opens a tenant's sealed API key. */
    @FunctionalInterface
    public interface KeyOpener {
        String open(String tenant, String sealedKey);
    }

    /** A provider ready to call, with its configuration. */
    public record Route(ProviderConfig config, ChatProvider provider) {}

    /**
     * The node-wide providers and the defaults a tenant's own provider gets.
     *
     * @param timeout     the longest one attempt at a tenant's provider may take
     * @param retries     further attempts at a tenant's provider
     * @param concurrency provider calls the node makes at once (the bulkhead)
     * @param breakerOpen how long an open breaker refuses calls before probing the provider again
     */
    public record NodeModels(
            Optional<ProviderConfig> primary,
            Optional<ProviderConfig> secondary,
            Prices prices,
            Duration timeout,
            int retries,
            int concurrency,
            Duration breakerOpen) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
        public static final int DEFAULT_RETRIES = 2;
        public static final int DEFAULT_CONCURRENCY = 32;
        public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(30);

        public static NodeModels none() {
            return new NodeModels(
                    Optional.empty(),
                    Optional.empty(),
                    Prices.none(),
                    DEFAULT_TIMEOUT,
                    DEFAULT_RETRIES,
                    DEFAULT_CONCURRENCY,
                    DEFAULT_BREAKER_OPEN);
        }

        /** The guards' settings for these limits. */
        public ProviderGuards.Settings guardSettings() {
            var d = ProviderGuards.Settings.defaults(concurrency);
            return new ProviderGuards.Settings(
                    d.concurrency(),
                    d.bulkheadWait(),
                    d.backoff(),
                    d.maxRetryAfter(),
                    d.breakerWindow(),
                    d.breakerMinCalls(),
                    d.failureRatePercent(),
                    breakerOpen,
                    d.halfOpenCalls());
        }

        public boolean configured() {
            return primary.isPresent() || secondary.isPresent();
        }
    }

    private record TenantRoute(ModelProvider settings, Route route) {}

    private final NodeModels node;
    private final ProviderGuards guards;
    private final KeyOpener keys;
    private final Function<ProviderConfig, ChatProvider> connect;
    private final List<Route> nodeRoutes;
    private final Map<String, TenantRoute> tenantRoutes = new ConcurrentHashMap<>();

    /**
     * @param connect builds the unguarded provider for a configuration: {@link #connect} in production
     */
    public ModelProviders(
            NodeModels node, ProviderGuards guards, KeyOpener keys, Function<ProviderConfig, ChatProvider> connect) {
        this.node = node;
        this.guards = guards;
        this.keys = keys;
        this.connect = connect;
        var routes = new ArrayList<Route>();
        node.primary().ifPresent(c -> routes.add(new Route(c, guards.guard(c, connect.apply(c)))));
        node.secondary().ifPresent(c -> routes.add(new Route(c, guards.guard(c, connect.apply(c)))));
        this.nodeRoutes = List.copyOf(routes);
    }

    /** The LangChain4j-backed provider of a configuration's kind. */
    public static ChatProvider connect(ProviderConfig config) {
        return switch (config.kind()) {
            case OPENAI -> new OpenAiProvider(config);
            case ANTHROPIC -> new AnthropicProvider(config);
            case GEMINI -> new GeminiProvider(config);
        };
    }

    public Prices prices() {
        return node.prices();
    }

    public ProviderGuards guards() {
        return guards;
    }

    /** The tenant's providers in the order they are tried; empty when no model is configured for it. */
    public List<Route> chain(String tenant, TenantSettings s) {
        ModelProvider own = s.model();
        if (own == null) {
            tenantRoutes.remove(tenant);
            return nodeRoutes;
        }
        TenantRoute cached = tenantRoutes.get(tenant);
        if (cached == null || !cached.settings().equals(own)) {
            var config = new ProviderConfig(
                    "tenant:" + tenant,
                    own.kind(),
                    own.baseUrl(),
                    own.sealedKey() == null ? own.apiKey() : keys.open(tenant, own.sealedKey()),
                    own.mainModel(),
                    own.cheapModel(),
                    node.timeout(),
                    node.retries());
            cached = new TenantRoute(own, new Route(config, guards.guard(config, connect.apply(config))));
            tenantRoutes.put(tenant, cached);
        }
        var out = new ArrayList<Route>();
        out.add(cached.route());
        node.secondary()
                .flatMap(c -> nodeRoutes.stream().filter(r -> r.config() == c).findFirst())
                .ifPresent(out::add);
        return List.copyOf(out);
    }
}
