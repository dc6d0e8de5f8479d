package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.webhook.DeliveryStatus;
import io.wagw.store.webhook.WebhookDelivery;

/** A session's webhook deliveries: what is pending, delivered or dead, and re-queueing dead letters. */
final class WebhookRoutes {
    private final NodeServices s;

    WebhookRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.get("/api/:session/webhooks/deliveries").handler(Blocking.handler(this::list));
        r.post("/api/:session/webhooks/deliveries/:id/retry").handler(Blocking.handler(this::retry));
    }

    private Reply list(RoutingContext ctx) {
        String session = session(ctx);
        DeliveryStatus status = null;
        String raw = ctx.request().getParam("status");
        if (raw != null) {
            try {
                status = DeliveryStatus.fromValue(raw);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("status", "status must be one of pending, delivering, delivered, dead");
            }
        }
        int limit = Params.limit(ctx, 100, 1000);
        s.store().sessions().get(session);
        var counts = new JsonObject();
        s.store().webhooks().countsBySession(session).forEach((k, v) -> counts.put(k.value(), v));
        var items = new JsonArray();
        for (WebhookDelivery d : s.store().webhooks().listBySession(session, status, limit)) {
            items.add(view(d));
        }
        return Reply.json(200, new JsonObject().put("counts", counts).put("deliveries", items));
    }

    private Reply retry(RoutingContext ctx) {
        String session = session(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "id must be a delivery's numeric id");
        }
        return Reply.json(200, view(s.store().webhooks().retry(session, id)));
    }

    private static JsonObject view(WebhookDelivery d) {
        return new JsonObject()
                .put("id", d.id())
                .put("event", d.event())
                .put("url", d.url())
                .put("status", d.status().value())
                .put("attempts", d.attempts())
                .put("maxAttempts", d.retry().maxAttempts())
                .put("requestId", d.requestId())
                .put("lastHttpStatus", d.lastHttpStatus())
                .put("lastError", d.lastError())
                .put(
                        "nextAttemptAt",
                        d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString())
                .put("createdAt", d.createdAt().toString())
                .put(
                        "deliveredAt",
                        d.deliveredAt() == null ? null : d.deliveredAt().toString());
    }

    private String session(RoutingContext ctx) {
        return Params.session(ctx, s.store(), "session", ctx.pathParam("session"));
    }
}
