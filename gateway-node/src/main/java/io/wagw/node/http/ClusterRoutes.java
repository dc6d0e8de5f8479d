package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.router.cluster.ClusterMember;
import java.util.Comparator;

/** The cluster as the API shows it: members with their health, the assignment table, drain. */
final class ClusterRoutes {
    private final NodeServices s;

    ClusterRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.get("/api/cluster/nodes").handler(Blocking.handler(this::nodes));
        r.get("/api/cluster/assignments").handler(Blocking.handler(this::assignments));
        r.post("/api/cluster/nodes/:id/drain").handler(Blocking.handler(this::drain));
    }

    private Reply nodes(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var out = new JsonArray();
        if (s.cluster() == null) {
            out.add(new JsonObject()
                    .put("nodeId", s.config().nodeId())
                    .put("httpUrl", s.config().advertisedUrl())
                    .put("local", true)
                    .put("coordinator", true)
                    .put("sessions", s.runtime().sessions().size())
                    .put("capacity", s.runtime().config().maxSessions())
                    .put("draining", false));
            return Reply.json(200, out);
        }
        var cluster = s.cluster().cluster();
        var health = cluster.health();
        var draining = cluster.draining();
        boolean first = true;
        for (ClusterMember m : cluster.members()) {
            var h = health.get(m.nodeId());
            var node = new JsonObject()
                    .put("nodeId", m.nodeId())
                    .put("httpUrl", m.httpUrl())
                    .put("local", m.local())
                    .put("coordinator", first)
                    .put("since", m.since().toString())
                    .put("draining", draining.contains(m.nodeId()));
            first = false;
            if (h != null) {
                node.put("sessions", h.sessionsRunning())
                        .put("capacity", h.capacity())
                        .put("heapUsedBytes", h.heapUsedBytes())
                        .put("heapMaxBytes", h.heapMaxBytes())
                        .put("chromiumMemoryBytes", h.chromiumMemoryBytes())
                        .put("cpuLoad", h.systemCpuLoad() >= 0 ? h.systemCpuLoad() : null)
                        .put("recentStartFailures", h.recentStartFailures())
                        .put("recentBrowserCrashes", h.recentBrowserCrashes())
                        .put("healthAt", h.publishedAt().toString());
            }
            out.add(node);
        }
        return Reply.json(200, out);
    }

    private Reply assignments(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var out = new JsonArray();
        if (s.cluster() == null) {
            s.runtime()
                    .sessions()
                    .forEach(v -> out.add(new JsonObject()
                            .put("session", v.name())
                            .put("node", s.config().nodeId())
                            .put("runningOn", s.config().nodeId())));
            return Reply.json(200, out);
        }
        var cluster = s.cluster().cluster();
        var running = cluster.running();
        cluster.assignments().values().stream()
                .sorted(Comparator.comparing(a -> a.session()))
                .forEach(a -> out.add(new JsonObject()
                        .put("session", a.session())
                        .put("node", a.nodeId())
                        .put("version", a.version())
                        .put("runningOn", running.get(a.session()))));
        return Reply.json(200, out);
    }

    private Reply drain(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        String id = ctx.pathParam("id");
        if (s.cluster() == null) {
            throw ApiError.conflict(
                    "not_clustered", null, "this node is not part of a cluster (GW_CLUSTER_MEMBERS is empty)");
        }
        var cluster = s.cluster().cluster();
        if (cluster.members().stream().noneMatch(m -> m.nodeId().equals(id))) {
            throw ApiError.notFound("id", "no live member '%s'".formatted(id));
        }
        cluster.requestDrain(id);
        return Reply.json(
                202,
                new JsonObject()
                        .put("nodeId", id)
                        .put("draining", true)
                        .put("message", "sessions move away one by one; the node exits once it runs none"));
    }
}
