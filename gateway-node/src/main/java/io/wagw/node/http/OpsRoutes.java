package io.wagw.node.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.node.session.SessionView;
import io.wagw.store.session.SessionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** {@code /health}, {@code /metrics} and {@code /openapi.json}: unauthenticated, and free of message text and numbers. */
final class OpsRoutes {
    private final NodeServices s;
    private final String openApi;

    OpsRoutes(NodeServices services) {
        this.s = services;
        try (InputStream in = OpsRoutes.class.getResourceAsStream("openapi.json")) {
            this.openApi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void mount(Router r) {
        r.get("/health").handler(Blocking.handler(this::health));
        r.get("/metrics")
                .handler(Blocking.handler(ctx -> Reply.bytes(
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        s.metrics().scrape().getBytes(StandardCharsets.UTF_8))));
        r.get("/openapi.json")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(openApi));
    }

    private Reply health(RoutingContext ctx) {
        var runtime = s.runtime();
        Map<SessionStatus, Integer> byStatus = new EnumMap<>(SessionStatus.class);
        for (SessionStatus st : SessionStatus.values()) {
            byStatus.put(st, 0);
        }
        for (SessionView v : runtime.sessions()) {
            byStatus.merge(v.status(), 1, Integer::sum);
        }
        int used = runtime.sessions().size();
        int capacity = runtime.config().maxSessions();
        boolean db = runtime.storeReachable();
        long spooled = runtime.spoolPending();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long chromium = runtime.pool().chromiumPssBytes();
        // the node's providers by name; tenants' own providers only counted by state: /health is unauthenticated,
        // and one tenant's bad key is no reason to call the node degraded
        var nodeBreakers = new JsonObject();
        var tenantBreakers = new JsonObject().put("CLOSED", 0).put("OPEN", 0).put("HALF_OPEN", 0);
        s.models().breakerStates().forEach((name, state) -> {
            if (name.startsWith("tenant:")) {
                tenantBreakers.put(state, tenantBreakers.getInteger(state, 0) + 1);
            } else {
                nodeBreakers.put(name, state);
            }
        });
        boolean breakerOpen = nodeBreakers.stream().anyMatch(e -> !"CLOSED".equals(e.getValue()));
        String status = !db
                ? "DOWN"
                : (used >= capacity
                                || breakerOpen
                                || byStatus.get(SessionStatus.FAILED) > 0
                                || spooled > 0
                                || heap.getUsed() > 0.9 * heap.getMax())
                        ? "DEGRADED"
                        : "UP";
        var sessions = new JsonObject();
        byStatus.forEach((k, v) -> sessions.put(k.name(), v));
        var body = new JsonObject()
                .put("status", status)
                .put("nodeId", s.config().nodeId())
                .put("version", s.version())
                .put(
                        "uptimeSeconds",
                        Duration.between(s.startedAt(), Instant.now()).toSeconds())
                .put(
                        "sessions",
                        new JsonObject()
                                .put("byStatus", sessions)
                                .put("used", used)
                                .put("capacity", capacity)
                                .put("free", Math.max(0, capacity - used)))
                .put(
                        "memory",
                        new JsonObject()
                                .put("jvmHeapUsedBytes", heap.getUsed())
                                .put("jvmHeapMaxBytes", heap.getMax())
                                .put("chromiumPssBytes", chromium))
                .put("browsers", runtime.pool().hosts().size())
                .put(
                        "database",
                        new JsonObject()
                                .put("reachable", db)
                                .put("embedded", s.store().embedded()))
                .put("spool", new JsonObject().put("pending", spooled))
                .put(
                        "llm",
                        new JsonObject()
                                .put("configured", s.config().llm().configured())
                                .put("breakers", nodeBreakers)
                                .put("tenantBreakers", tenantBreakers)
                                .put("freeCalls", s.models().freeCalls()));
        return Reply.json("DOWN".equals(status) ? 503 : 200, body);
    }
}
