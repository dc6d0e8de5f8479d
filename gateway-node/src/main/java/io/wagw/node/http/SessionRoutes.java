package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.node.session.SessionView;
import io.wagw.store.Validation;
import io.wagw.store.lease.SessionLease;
import io.wagw.store.session.Session;
import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** WAHA's session resource: create, list, read, update, delete, start, stop, restart, logout. */
final class SessionRoutes {
    static final String DEFAULT_TENANT = "default";

    private final NodeServices s;

    SessionRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.post("/api/sessions").handler(Blocking.handler(this::create));
        r.get("/api/sessions").handler(Blocking.handler(this::list));
        r.get("/api/sessions/:name").handler(Blocking.handler(this::get));
        r.put("/api/sessions/:name").handler(Blocking.handler(this::update));
        r.delete("/api/sessions/:name").handler(Blocking.handler(this::delete));
        r.post("/api/sessions/:name/start").handler(Blocking.handler(this::start));
        r.post("/api/sessions/:name/stop").handler(Blocking.handler(this::stop));
        r.post("/api/sessions/:name/restart").handler(Blocking.handler(this::restart));
        r.post("/api/sessions/:name/logout").handler(Blocking.handler(this::logout));
    }

    private Reply create(RoutingContext ctx) {
        var caller = ApiAuth.caller(ctx);
        if (caller.tenant() == null) {
            caller.requireAdmin();
        }
        var body = RequestBody.of(ctx, "name", "start", "config", "tenant");
        String name = body.requiredString("name");
        Validation.sessionName(name);
        // a tenant's key creates sessions of its own tenant only
        String tenant = Optional.ofNullable(body.optionalString("tenant"))
                .orElse(caller.tenant() != null ? caller.tenant() : DEFAULT_TENANT);
        caller.requireTenant(tenant);
        boolean start = body.optionalBoolean("start", true);
        Map<String, Object> config = SessionConfigs.validate(
                body.optionalObject("config"), s.config().webhookDestinations());
        s.store().sessions().create(tenant, name, config);
        if (start) {
            s.control().start(name);
        }
        return Reply.json(201, view(name));
    }

    private Reply list(RoutingContext ctx) {
        var caller = ApiAuth.caller(ctx);
        boolean all = "true".equalsIgnoreCase(ctx.request().getParam("all"));
        var out = new JsonArray();
        var leases = s.store().leases().allLive(); // one query, not one per session
        for (Session session : s.store().sessions().listAll()) {
            if (!caller.sees(session.name(), session.tenant())) {
                continue;
            }
            var json = render(session, () -> Optional.ofNullable(leases.get(session.name())));
            if (all || !SessionStatus.STOPPED.name().equals(json.getString("status"))) {
                out.add(json);
            }
        }
        return Reply.json(200, out);
    }

    private Reply get(RoutingContext ctx) {
        String name = name(ctx);
        return Reply.json(200, view(name));
    }

    private Reply update(RoutingContext ctx) {
        String name = name(ctx);
        var body = RequestBody.of(ctx, "name", "config");
        String renamed = body.optionalString("name");
        if (renamed != null && !renamed.equals(name)) {
            throw ApiError.badRequest(
                    "name", "sessions cannot be renamed; 'name' must be '%s' or absent".formatted(name));
        }
        Map<String, Object> config = SessionConfigs.validate(
                body.optionalObject("config"), s.config().webhookDestinations());
        s.store().sessions().updateConfig(name, config);
        s.runtime().configChanged(name);
        s.webhooks().invalidate(name);
        return Reply.json(200, view(name));
    }

    private Reply delete(RoutingContext ctx) {
        String name = name(ctx);
        ApiAuth.caller(ctx).requireAdmin();
        s.store().sessions().get(name);
        if (s.cluster() != null) {
            s.control().stop(name);
        }
        if (s.runtime().runs(name)) {
            s.runtime().stop(name);
        }
        awaitLeaseFree(name);
        s.store().sessions().delete(name);
        return Reply.empty(204);
    }

    private Reply start(RoutingContext ctx) {
        String name = name(ctx);
        s.control().start(name);
        return Reply.json(201, view(name));
    }

    private Reply stop(RoutingContext ctx) {
        String name = name(ctx);
        s.control().stop(name);
        if (s.cluster() != null) {
            awaitLeaseFree(name); // the owner saves the snapshot and releases the lease
        }
        return Reply.json(200, view(name));
    }

    /** In a cluster the owner stops the session; wait (bounded) until it let go. */
    private void awaitLeaseFree(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (s.store().leases().current(name).isPresent() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Reply restart(RoutingContext ctx) {
        String name = name(ctx);
        if (s.cluster() != null && !s.runtime().runs(name)) {
            s.control().start(name); // not running anywhere: the cluster places it
        } else {
            s.runtime().restart(name);
        }
        return Reply.json(200, view(name));
    }

    private Reply logout(RoutingContext ctx) {
        String name = name(ctx);
        s.runtime().logout(name);
        return Reply.json(200, view(name));
    }

    /** The path's session, validated and visible to the caller. */
    private String name(RoutingContext ctx) {
        return Params.session(ctx, s.store(), "name", ctx.pathParam("name"));
    }

    JsonObject view(String name) {
        return render(s.store().sessions().get(name), () -> s.store().leases().current(name));
    }

    /** A session as the API shows it; {@code lease} gives its live lease, if any, when it does not run here. */
    private JsonObject render(Session session, Supplier<Optional<SessionLease>> lease) {
        Optional<SessionView> live = s.runtime().view(session.name());
        String owner = live.isPresent()
                ? s.config().nodeId()
                : lease.get()
                        .map(SessionLease::ownerNode)
                        .orElseGet(() -> s.cluster() == null
                                ? null
                                : s.cluster()
                                        .cluster()
                                        .assignmentOf(session.name())
                                        .map(a -> a.nodeId())
                                        .orElse(null));
        return Views.session(session, live, owner);
    }
}
