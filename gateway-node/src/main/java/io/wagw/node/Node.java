package io.wagw.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.wagw.assistant.knowledge.HybridRetriever;
import io.wagw.assistant.knowledge.KnowledgeVectors;
import io.wagw.assistant.knowledge.OnnxEmbedder;
import io.wagw.assistant.model.ModelProviders;
import io.wagw.assistant.model.ProviderGuards;
import io.wagw.assistant.service.Answerers;
import io.wagw.assistant.service.AssistantService;
import io.wagw.node.assistant.AssistantHandler;
import io.wagw.node.assistant.DeferredAnswers;
import io.wagw.node.cluster.ClusterAgent;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.http.ConsoleHub;
import io.wagw.node.http.HttpVerticle;
import io.wagw.node.http.NodeServices;
import io.wagw.node.http.PairTokens;
import io.wagw.node.http.PairingHub;
import io.wagw.node.message.MessageHandler;
import io.wagw.node.metrics.NodeMetrics;
import io.wagw.node.session.RuntimeConfig;
import io.wagw.node.session.SessionControl;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.session.StandaloneKeeper;
import io.wagw.node.webhook.WebhookDestinations;
import io.wagw.node.webhook.WebhookDispatcher;
import io.wagw.node.webhook.WebhookMetrics;
import io.wagw.node.webhook.WebhookPublisher;
import io.wagw.node.webhook.WebhookSender;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.tenant.TenantStatus;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One gateway node: store, session runtime, metrics and the HTTP API, wired from its configuration. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    public static final String VERSION = "0.1.0";
    /** Sessions created without a tenant (as WAHA clients do) belong to this one. */
    public static final String DEFAULT_TENANT = "default";
    /** How often a node looks for messages kept for opening time that are due. */
    static final Duration DEFERRED_EVERY = Duration.ofSeconds(30);
    /** The daily retention cleanup first runs this long after start, then once a day. */
    static final Duration RETENTION_FIRST = Duration.ofMinutes(5);

    private final NodeConfig config;
    private final SessionStore store;
    private final SessionRuntime runtime;
    private final WebhookDispatcher dispatcher;
    private final ClusterAgent agent;
    private final Vertx vertx;
    private final HttpVerticle http;
    private final String httpDeployment;
    private final NodeServices services;
    private final boolean generatedKey;
    private final ScheduledExecutorService assistantJobs;
    private final ProviderGuards modelGuards;
    private final KnowledgeVectors knowledgeVectors;

    private Node(
            NodeConfig config,
            SessionStore store,
            SessionRuntime runtime,
            WebhookDispatcher dispatcher,
            ClusterAgent agent,
            Vertx vertx,
            HttpVerticle http,
            String httpDeployment,
            NodeServices services,
            boolean generatedKey,
            ScheduledExecutorService assistantJobs,
            ProviderGuards modelGuards,
            KnowledgeVectors knowledgeVectors) {
        this.config = config;
        this.store = store;
        this.runtime = runtime;
        this.dispatcher = dispatcher;
        this.agent = agent;
        this.vertx = vertx;
        this.http = http;
        this.httpDeployment = httpDeployment;
        this.services = services;
        this.generatedKey = generatedKey;
        this.assistantJobs = assistantJobs;
        this.modelGuards = modelGuards;
        this.knowledgeVectors = knowledgeVectors;
    }

    public static Node start(NodeConfig config, MessageHandler handler) {
        return start(config, handler, () -> {});
    }

    /**
     * Starts a node; in a cluster, {@code onDrained} runs once a requested drain moved every session away
     * (the process should then exit).
     */
    public static Node start(NodeConfig config, MessageHandler handler, Runnable onDrained) {
        SessionStore store = SessionStore.open(config.storeConfig());
        SessionRuntime runtime = null;
        WebhookDispatcher dispatcher = null;
        ClusterAgent agent = null;
        Vertx vertx = null;
        ScheduledExecutorService assistantJobs = null;
        ProviderGuards modelGuards = null;
        KnowledgeVectors knowledgeVectors = null;
        try {
            ensureDefaultTenant(store);
            vertx = Vertx.vertx();
            var webhookMetrics = new WebhookMetrics();
            var webhookSettings = WebhookDispatcher.Settings.defaults();
            var sender = new WebhookSender(
                    vertx, WebhookDestinations.system(config.webhookDestinations()), webhookSettings.requestTimeout());
            dispatcher = new WebhookDispatcher(
                            store.webhooks(), config.nodeId(), webhookSettings, webhookMetrics, sender)
                    .start();
            var publisher = new WebhookPublisher(store.sessions(), store.webhooks(), webhookMetrics, dispatcher::wake);
            PrometheusMeterRegistry registry = NodeMetrics.newRegistry();
            // the embedding model loads on its first use (an upload or a question), once per JVM
            knowledgeVectors = new KnowledgeVectors(
                    store.knowledge(),
                    config.embeddingModel()
                            .map(m -> OnnxEmbedder.files(m.model(), m.tokenizer()))
                            .orElseGet(OnnxEmbedder::bundled));
            modelGuards = new ProviderGuards(config.llm().guardSettings(), registry);
            var answerer = Answerers.of(
                    store,
                    new HybridRetriever(store.knowledge(), knowledgeVectors),
                    config.llm(),
                    modelGuards,
                    ModelProviders::connect,
                    Clock.systemUTC(),
                    registry);
            var assistant = new AssistantService(store, answerer, Clock.systemUTC(), registry, knowledgeVectors);
            var assistantHandler = new AssistantHandler(assistant, handler, publisher);
            runtime = new SessionRuntime(
                    RuntimeConfig.from(config),
                    store,
                    assistantHandler,
                    config.dataDir().resolve("spool"));
            runtime.addListener(publisher);
            var metrics = new NodeMetrics(registry, runtime, webhookMetrics);
            runtime.addListener(metrics);
            var pairing = new PairingHub();
            runtime.addListener(pairing);
            var console = new ConsoleHub();
            runtime.addListener(console);
            boolean generated = config.adminApiKey().isEmpty();
            String adminKey = config.adminApiKey().orElseGet(Node::generateKey);
            StandaloneKeeper keeper = null;
            if (config.clustered()) {
                agent = ClusterAgent.join(config, runtime, store, onDrained);
            } else {
                keeper = new StandaloneKeeper(runtime, store, config.nodeId());
                runtime.addListener(keeper);
            }
            SessionControl control = agent != null ? agent : SessionControl.local(runtime, store);
            var services = new NodeServices(
                    config,
                    store,
                    runtime,
                    metrics,
                    pairing,
                    console,
                    new PairTokens(store.derivedSecret("pair-links")),
                    publisher,
                    assistant,
                    modelGuards,
                    control,
                    agent,
                    adminKey,
                    VERSION,
                    Instant.now());
            var http = new HttpVerticle(services);
            String httpDeployment = vertx.deployVerticle(http)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            log.info("node {} serves HTTP on {}:{}", config.nodeId(), config.httpHost(), http.actualPort());
            if (keeper != null) {
                keeper.resumeWanted();
            }
            var deferred = new DeferredAnswers(runtime, store, assistant, assistantHandler, Clock.systemUTC());
            assistantJobs = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("assistant-jobs").factory());
            assistantJobs.scheduleWithFixedDelay(
                    deferred::answerDue, DEFERRED_EVERY.toSeconds(), DEFERRED_EVERY.toSeconds(), TimeUnit.SECONDS);
            assistantJobs.scheduleWithFixedDelay(
                    () -> {
                        try {
                            assistant.applyRetention();
                        } catch (RuntimeException e) {
                            log.warn("the daily retention cleanup failed; next run tomorrow", e);
                        }
                    },
                    RETENTION_FIRST.toMinutes(),
                    Duration.ofDays(1).toMinutes(),
                    TimeUnit.MINUTES);
            return new Node(
                    config,
                    store,
                    runtime,
                    dispatcher,
                    agent,
                    vertx,
                    http,
                    httpDeployment,
                    services,
                    generated,
                    assistantJobs,
                    modelGuards,
                    knowledgeVectors);
        } catch (Exception e) {
            if (assistantJobs != null) {
                assistantJobs.shutdownNow();
            }
            if (knowledgeVectors != null) {
                knowledgeVectors.close();
            }
            if (modelGuards != null) {
                modelGuards.close();
            }
            if (agent != null) {
                agent.stopFollowing();
            }
            if (runtime != null) {
                runtime.close();
            }
            if (agent != null) {
                agent.close();
            }
            if (dispatcher != null) {
                dispatcher.close();
            }
            if (vertx != null) {
                vertx.close();
            }
            store.close();
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("node did not start: " + cause.getMessage(), cause);
        }
    }

    private static void ensureDefaultTenant(SessionStore store) {
        try {
            store.tenants().get(DEFAULT_TENANT);
        } catch (StoreException.NotFound e) {
            try {
                store.tenants().create(DEFAULT_TENANT, "Default tenant", "free");
                store.tenants().setStatus(DEFAULT_TENANT, TenantStatus.ACTIVE);
            } catch (StoreException.Duplicate raced) {
                // another node created it meanwhile
            }
        }
    }

    private static String generateKey() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return "admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public int httpPort() {
        return http.actualPort();
    }

    public String baseUrl() {
        String host = "0.0.0.0".equals(config.httpHost()) ? "127.0.0.1" : config.httpHost();
        return "http://" + host + ":" + httpPort();
    }

    public String adminKey() {
        return services.adminKey();
    }

    /** True when no {@code GW_ADMIN_API_KEY} was given and a key was generated for this run. */
    public boolean generatedAdminKey() {
        return generatedKey;
    }

    public SessionStore store() {
        return store;
    }

    public SessionRuntime runtime() {
        return runtime;
    }

    public NodeServices services() {
        return services;
    }

    /** In a cluster: moves every session of this node to others, one by one, and waits (bounded). */
    public boolean drain(Duration timeout) throws InterruptedException {
        if (agent == null) {
            return true;
        }
        agent.drainSelf();
        return agent.awaitDrained(timeout);
    }

    /** Stops HTTP, then sessions gracefully (snapshots, lease release), webhook delivery and the store. */
    @Override
    public void close() {
        assistantJobs.shutdownNow();
        knowledgeVectors.close(); // a background embedding stops before the store closes
        if (agent != null) {
            agent.stopFollowing();
        }
        try {
            vertx.undeploy(httpDeployment)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly", e);
        }
        runtime.close();
        modelGuards.close();
        if (agent != null) {
            agent.close(); // leave the cluster after the sessions released their leases: others start them at once
        }
        // after the runtime, so the sessions' final status events are queued first; what is not sent
        // stays in the outbox for the next node
        dispatcher.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Vert.x did not stop cleanly", e);
        }
        store.close();
    }
}
