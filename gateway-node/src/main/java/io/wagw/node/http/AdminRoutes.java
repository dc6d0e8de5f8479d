package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.assistant.knowledge.Chunker;
import io.wagw.assistant.settings.SettingsCodec;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.StoreException;
import io.wagw.store.apikey.ApiKey;
import io.wagw.store.tenant.Tenant;
import io.wagw.store.tenant.TenantStatus;
import io.wagw.store.tenant.Tenants;
import java.util.Map;
import java.util.Optional;

/** Admin-only resources: API keys and tenants. */
final class AdminRoutes {
    private final NodeServices s;

    AdminRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.post("/api/keys").handler(Blocking.handler(this::createKey));
        r.get("/api/keys").handler(Blocking.handler(this::listKeys));
        r.delete("/api/keys/:id").handler(Blocking.handler(this::revokeKey));
        r.post("/api/tenants").handler(Blocking.handler(this::createTenant));
        r.get("/api/tenants").handler(Blocking.handler(this::listTenants));
        r.get("/api/tenants/:slug").handler(Blocking.handler(this::getTenant));
        r.put("/api/tenants/:slug").handler(Blocking.handler(this::updateTenant));
    }

    private Reply createKey(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var body = RequestBody.of(ctx, "scope", "session", "tenant");
        String scope = body.requiredString("scope");
        ApiKey.Scope parsed = switch (scope) {
            case "admin" -> ApiKey.Scope.ADMIN;
            case "session" -> ApiKey.Scope.SESSION;
            case "tenant" -> ApiKey.Scope.TENANT;
            default -> throw ApiError.badRequest("scope", "scope must be 'admin', 'tenant' or 'session'");
        };
        String session = body.optionalString("session");
        if (parsed == ApiKey.Scope.SESSION && session == null) {
            throw ApiError.badRequest("session", "a session key needs the session it is limited to");
        }
        String tenant = body.optionalString("tenant");
        if (parsed == ApiKey.Scope.TENANT && tenant == null) {
            throw ApiError.badRequest("tenant", "a tenant key needs the tenant it is limited to");
        }
        var created = s.store().apiKeys().create(parsed, session, tenant);
        return Reply.json(201, key(created.key()).put("key", created.plaintext()));
    }

    private Reply listKeys(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var out = new JsonArray();
        s.store().apiKeys().list().forEach(k -> out.add(key(k)));
        return Reply.json(200, out);
    }

    private Reply revokeKey(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "id must be a key's numeric id");
        }
        s.store().apiKeys().revoke(id);
        return Reply.empty(204);
    }

    /**
     * Creates a tenant; with {@code settings} (and optionally {@code status}) it onboards the business in one
     * transaction: the tenant and its assistant settings, or nothing.
     */
    private Reply createTenant(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var body = RequestBody.of(ctx, "slug", "displayName", "plan", "status", "settings", "knowledge");
        String slug = body.requiredString("slug");
        String displayName = body.requiredString("displayName");
        String plan = Optional.ofNullable(body.optionalString("plan")).orElse("free");
        TenantStatus status = body.has("status") ? status(body.requiredString("status")) : null;
        Map<String, Object> settings = null;
        if (body.has("settings")) {
            if (!(body.fields().get("settings") instanceof Map<?, ?> raw)) {
                throw ApiError.badRequest("settings", "settings must be a JSON object");
            }
            try {
                @SuppressWarnings("unchecked")
                var given = (Map<String, Object>) raw;
                settings = SettingsCodec.toMap(SettingsCodec.fromMap(given, displayName));
            } catch (StoreException.InvalidInput e) {
                throw ApiError.badRequest("settings." + e.field(), e.getMessage());
            }
        }
        Tenants.KnowledgeUpload knowledge = null;
        if (body.has("knowledge")) {
            var k = body.optionalObject("knowledge");
            for (String key : k.fieldNames()) {
                if (!key.equals("format") && !key.equals("text")) {
                    throw ApiError.unknownField(
                            "knowledge." + key, "unknown field 'knowledge.%s'; accepted: format, text".formatted(key));
                }
            }
            if (!(k.getValue("format") instanceof String format)
                    || !(format.equals("markdown") || format.equals("text"))) {
                throw ApiError.badRequest("knowledge.format", "knowledge.format must be markdown or text");
            }
            if (!(k.getValue("text") instanceof String text) || text.isBlank()) {
                throw ApiError.badRequest("knowledge.text", "knowledge.text is required");
            }
            knowledge = new Tenants.KnowledgeUpload(format, text, Chunker.chunk(format, text));
        }
        Tenant t;
        try {
            t = s.store().tenants().onboard(slug, displayName, plan, status, settings, knowledge);
        } catch (StoreException.InvalidInput e) {
            if (knowledge != null && ("text".equals(e.field()) || "format".equals(e.field()))) {
                throw ApiError.badRequest("knowledge." + e.field(), e.getMessage());
            }
            throw e;
        }
        return Reply.json(201, tenant(t));
    }

    private Reply listTenants(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var out = new JsonArray();
        s.store().tenants().list().forEach(t -> out.add(tenant(t)));
        return Reply.json(200, out);
    }

    private Reply getTenant(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireTenant(ctx.pathParam("slug"));
        return Reply.json(200, tenant(s.store().tenants().get(ctx.pathParam("slug"))));
    }

    private Reply updateTenant(RoutingContext ctx) {
        ApiAuth.caller(ctx).requireAdmin();
        var body = RequestBody.of(ctx, "status");
        TenantStatus parsed = status(body.requiredString("status"));
        return Reply.json(200, tenant(s.store().tenants().setStatus(ctx.pathParam("slug"), parsed)));
    }

    private static TenantStatus status(String status) {
        try {
            return TenantStatus.fromValue(status);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("status", "status must be one of onboarding, active, suspended, deleted");
        }
    }

    private static JsonObject key(ApiKey k) {
        return new JsonObject()
                .put("id", k.id())
                .put("prefix", k.prefix())
                .put("scope", k.scope().value())
                .put("session", k.session())
                .put("tenant", k.tenant())
                .put("createdAt", k.createdAt().toString())
                .put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
    }

    private static JsonObject tenant(Tenant t) {
        return new JsonObject()
                .put("slug", t.slug())
                .put("displayName", t.displayName())
                .put("status", t.status().value())
                .put("plan", t.plan())
                .put("createdAt", t.createdAt().toString());
    }
}
