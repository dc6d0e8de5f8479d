package io.wagw.node;

import io.vertx.core.Vertx;
import io.wagw.node.cluster.ClusterAgent;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.http.HttpVerticle;
import io.wagw.node.http.NodeServices;
import io.wagw.node.http.PairTokens;
import io.wagw.node.http.PairingHub;
import io.wagw.node.message.MessageHandler;
import io.wagw.node.metrics.NodeMetrics;
import io.wagw.node.session.RuntimeConfig;
import io.wagw.node.session.SessionControl;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.session.SessionRuntimeException;
import io.wagw.node.webhook.WebhookDispatcher;
import io.wagw.node.webhook.WebhookMetrics;
import io.wagw.node.webhook.WebhookPublisher;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.tenant.TenantStatus;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One gateway node: store, session runtime, metrics and the HTTP API, wired from its configuration. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    public static final String VERSION = "0.1.0";
    /** Sessions created without a tenant (as WAHA clients do) belong to this one. */
    public static final String DEFAULT_TENANT = "default";

    private final NodeConfig config;
    private final SessionStore store;
    private final SessionRuntime runtime;
    private final WebhookDispatcher dispatcher;
    private final ClusterAgent agent;
    private final Vertx vertx;
    private final HttpVerticle http;
    private final NodeServices services;
    private final boolean generatedKey;

    private Node(NodeConfig config, SessionStore store, SessionRuntime runtime, WebhookDispatcher dispatcher,
                 ClusterAgent agent, Vertx vertx, HttpVerticle http, NodeServices services, boolean generatedKey) {
        this.config = config;
        this.store = store;
        this.runtime = runtime;
        this.dispatcher = dispatcher;
        this.agent = agent;
        this.vertx = vertx;
        this.http = http;
        this.services = services;
        this.generatedKey = generatedKey;
    }

    public static Node start(NodeConfig config, MessageHandler handler) {
        return start(config, handler, () -> { });
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
        try {
            ensureDefaultTenant(store);
            runtime = new SessionRuntime(RuntimeConfig.from(config), store, handler);
            var webhookMetrics = new WebhookMetrics();
            dispatcher = new WebhookDispatcher(store.webhooks(), config.nodeId(), WebhookDispatcher.Settings.defaults(),
                    webhookMetrics).start();
            var publisher = new WebhookPublisher(store.sessions(), store.webhooks(), webhookMetrics, dispatcher::wake);
            runtime.addListener(publisher);
            var metrics = new NodeMetrics(runtime, webhookMetrics);
            runtime.addListener(metrics);
            var pairing = new PairingHub();
            runtime.addListener(pairing);
            boolean generated = config.adminApiKey().isEmpty();
            String adminKey = config.adminApiKey().orElseGet(Node::generateKey);
            if (config.clustered()) {
                agent = ClusterAgent.join(config, runtime, store, onDrained);
            }
            SessionControl control = agent != null ? agent : SessionControl.local(runtime, store);
            var services = new NodeServices(config, store, runtime, metrics, pairing,
                    new PairTokens(store.derivedSecret("pair-links")), publisher, control, agent, adminKey, VERSION,
                    Instant.now());
            vertx = Vertx.vertx();
            var http = new HttpVerticle(services);
            vertx.deployVerticle(http).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            log.info("node {} serves HTTP on {}:{}", config.nodeId(), config.httpHost(), http.actualPort());
            if (agent == null) {
                resumeWanted(store, runtime, config.nodeId(), config.leaseTtl());
            }
            return new Node(config, store, runtime, dispatcher, agent, vertx, http, services, generated);
        } catch (Exception e) {
            if (vertx != null) {
                vertx.close();
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
            store.close();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("node did not start: " + cause.getMessage(), cause);
        }
    }

    /**
     * A standalone node starts again the sessions it was running before it stopped. After a crash the
     * leases of its previous process are still live for up to a lease TTL (its pages may still be
     * connected until then): those sessions start as soon as their leases expire, in the background.
     */
    private static void resumeWanted(SessionStore store, SessionRuntime runtime, String nodeId, Duration leaseTtl) {
        List<String> leasedToPrevious = new ArrayList<>();
        for (String session : store.sessions().desiredRunningLastOn(nodeId)) {
            try {
                runtime.start(session);
            } catch (SessionRuntimeException e) {
                boolean ownOldLease = e.code() == SessionRuntimeException.Code.LEASED_ELSEWHERE
                        && store.leases().current(session).map(l -> l.ownerNode().equals(nodeId)).orElse(true);
                if (ownOldLease) {
                    leasedToPrevious.add(session);
                } else {
                    log.warn("session {} did not resume: {}", session, e.getMessage());
                }
            } catch (RuntimeException e) {
                log.warn("session {} did not resume", session, e);
            }
        }
        if (!leasedToPrevious.isEmpty()) {
            log.info("{} sessions are still leased to this node's previous process (it did not stop cleanly); "
                    + "they resume once those leases expire, within {} s", leasedToPrevious.size(), leaseTtl.toSeconds());
            Thread.ofVirtual().name("resume-after-crash").start(
                    () -> resumeOnExpiry(store, runtime, leasedToPrevious, leaseTtl.multipliedBy(2).plusSeconds(5)));
        }
    }

    private static void resumeOnExpiry(SessionStore store, SessionRuntime runtime, List<String> sessions, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        List<String> left = new ArrayList<>(sessions);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            for (var it = left.iterator(); it.hasNext(); ) {
                String session = it.next();
                try {
                    if (store.leases().current(session).isPresent()) {
                        continue;
                    }
                    it.remove();
                    runtime.start(session);
                } catch (SessionRuntimeException e) {
                    log.warn("session {} did not resume: {}", session, e.getMessage());
                } catch (IllegalStateException e) {
                    return; // the runtime closed meanwhile
                } catch (RuntimeException e) {
                    log.warn("session {} did not resume", session, e);
                }
            }
        }
        left.forEach(s -> log.warn("session {} did not resume: its lease stayed held for {} s", s, patience.toSeconds()));
    }

    private static void ensureDefaultTenant(SessionStore store) {
        try {
            store.tenants().get(DEFAULT_TENANT);
        } catch (StoreException.NotFound e) {
            try {
                store.tenants().create(DEFAULT_TENANT, "Default tenant", "free");
                store.tenants().setStatus(DEFAULT_TENANT, TenantStatus.active);
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

    /** Stops HTTP, then sessions gracefully (snapshots, lease release), webhook delivery and the store. */
    /** In a cluster: moves every session of this node to others, one by one, and waits (bounded). */
    public boolean drain(java.time.Duration timeout) throws InterruptedException {
        if (agent == null) {
            return true;
        }
        agent.drainSelf();
        return agent.awaitDrained(timeout);
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.stopFollowing();
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly: {}", e.getMessage());
        }
        runtime.close();
        if (agent != null) {
            agent.close(); // leave the cluster after the sessions released their leases: others start them at once
        }
        // after the runtime, so the sessions' final status events are queued first; what is not sent
        // stays in the outbox for the next node
        dispatcher.close();
        store.close();
    }
}
