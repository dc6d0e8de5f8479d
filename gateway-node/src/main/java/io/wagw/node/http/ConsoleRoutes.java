package io.wagw.node.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.console.ConsoleSignIn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The web console at {@code /console}: its static files (plain HTML, CSS and JavaScript calling the JSON API),
 * and signing in (an API key exchanged for a {@link ConsoleAuth} cookie), reading who is signed in, and signing
 * out.
 */
final class ConsoleRoutes {
    private record Asset(String contentType, byte[] bytes) {}

    /** Only the console's own files, from the same origin; no framing, no inline script. */
    private static final String POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");

    private final NodeServices s;
    private final ApiAuth auth;
    private final Map<String, Asset> assets;

    ConsoleRoutes(NodeServices services, ApiAuth auth) {
        this.s = services;
        this.auth = auth;
        var loaded = new HashMap<String, Asset>();
        FILES.forEach((name, type) -> {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream("console/" + name)) {
                loaded.put(name, new Asset(type, in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        this.assets = Map.copyOf(loaded);
    }

    void mount(Router r) {
        r.get("/console").handler(ctx -> asset(ctx, "index.html"));
        r.get("/console/console.css").handler(ctx -> asset(ctx, "console.css"));
        r.get("/console/console.js").handler(ctx -> asset(ctx, "console.js"));
        r.post("/console/sign-in").handler(Blocking.handler(this::signIn));
        r.get("/console/me").handler(Blocking.handler(this::me));
        r.post("/console/sign-out").handler(Blocking.handler(this::signOut));
    }

    private void asset(RoutingContext ctx, String name) {
        Asset a = assets.get(name);
        ctx.response()
                .putHeader("Content-Type", a.contentType())
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy", POLICY)
                .end(Buffer.buffer(a.bytes()));
    }

    private Reply signIn(RoutingContext ctx) {
        var body = RequestBody.of(ctx, "apiKey");
        String presented = body.requiredString("apiKey");
        var key = auth.match(presented)
                .orElseThrow(
                        () -> ApiError.unauthorized("invalid_api_key", "apiKey", "the API key is unknown or revoked"));
        var caller = key.caller();
        var created = s.store()
                .consoleSignIns()
                .create(key.scope(), caller.session(), caller.tenant(), key.storedId(), ConsoleAuth.LIFETIME);
        ctx.response()
                .addCookie(
                        ConsoleAuth.issue(ctx, created.token(), created.signIn().expiresAt()));
        return Reply.json(200, view(created.signIn()));
    }

    private Reply me(RoutingContext ctx) {
        String token = ConsoleAuth.cookie(ctx);
        var signIn = ConsoleAuth.check(
                ctx,
                token == null
                        ? java.util.Optional.empty()
                        : s.store().consoleSignIns().find(token));
        return Reply.json(200, view(signIn));
    }

    private Reply signOut(RoutingContext ctx) {
        String token = ConsoleAuth.cookie(ctx);
        ConsoleAuth.check(
                ctx,
                token == null
                        ? java.util.Optional.empty()
                        : s.store().consoleSignIns().find(token));
        s.store().consoleSignIns().delete(token);
        ctx.response().addCookie(ConsoleAuth.cleared(ctx));
        return Reply.empty(204);
    }

    private JsonObject view(ConsoleSignIn signIn) {
        return new JsonObject()
                .put("scope", signIn.scope().value())
                .put("tenant", signIn.tenant())
                .put("session", signIn.session())
                .put("csrfToken", signIn.csrf())
                .put("expiresAt", signIn.expiresAt().toString())
                .put("node", s.config().nodeId())
                .put("clustered", s.cluster() != null);
    }
}
