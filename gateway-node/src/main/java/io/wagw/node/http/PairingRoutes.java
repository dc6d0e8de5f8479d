package io.wagw.node.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.session.PairIncarnation;
import io.wagw.store.session.SessionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Linking a number: the QR (PNG rendered from the raw payload, JSON, or raw), pairing codes, and the
 * tenant's pairing page with a live QR over server-sent events. The page is opened with a signed,
 * expiring link instead of an API key.
 */
final class PairingRoutes {
    static final Duration LINK_TTL = PairTokens.MAX_LIFETIME;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeServices s;
    private final String page;

    PairingRoutes(NodeServices services) {
        this.s = services;
        try (InputStream in = PairingRoutes.class.getResourceAsStream("pair.html")) {
            this.page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void mountApi(Router r) {
        r.get("/api/:session/auth/qr").handler(Blocking.handler(this::qr));
        r.post("/api/:session/auth/request-code").handler(Blocking.handler(this::requestCode));
        r.get("/api/:session/auth/pair-link").handler(Blocking.handler(this::pairLink));
        r.post("/api/:session/auth/pair-link/revoke").handler(Blocking.handler(this::revokeLinks));
    }

    void mountPage(Router r) {
        r.get("/pair/:session").handler(Blocking.handler(this::pairPage));
        r.get("/pair/:session/events").handler(Blocking.handler(this::events));
    }

    /** The page's "link with phone number instead": mounted after the body handler (and, in a cluster, the forwarder). */
    void mountPageCode(Router r) {
        r.post("/pair/:session/code").handler(Blocking.handler(this::pageCode));
    }

    private Reply qr(RoutingContext ctx) {
        String session = session(ctx);
        String payload = s.runtime().qr(session);
        String format = ctx.request().getParam("format");
        if ("raw".equals(format)) {
            return Reply.json(200, new JsonObject().put("value", payload));
        }
        if (format != null && !"image".equals(format)) {
            throw ApiError.badRequest("format", "format must be 'image' (default) or 'raw'");
        }
        byte[] png = QrImages.png(payload);
        String accept = ctx.request().getHeader("Accept");
        if (accept != null && accept.contains("application/json")) {
            return Reply.json(
                    200,
                    new JsonObject()
                            .put("mimetype", "image/png")
                            .put("data", Base64.getEncoder().encodeToString(png)));
        }
        return Reply.bytes(200, "image/png", png);
    }

    private Reply requestCode(RoutingContext ctx) {
        String session = session(ctx);
        var body = RequestBody.of(ctx, "phoneNumber", "method");
        return Reply.json(200, code(s.runtime().requestPairingCode(session, body.requiredString("phoneNumber"))));
    }

    /** A pairing code for the page's owner, who opened the link on the phone that holds the number. */
    private Reply pageCode(RoutingContext ctx) {
        String session = pageSession(ctx);
        var body = RequestBody.of(ctx, "phoneNumber");
        return Reply.json(200, code(s.runtime().requestPairingCode(session, body.requiredString("phoneNumber"))));
    }

    private static JsonObject code(String code) {
        return new JsonObject().put("code", code.substring(0, 4) + "-" + code.substring(4));
    }

    private Reply pairLink(RoutingContext ctx) {
        String session = session(ctx);
        var incarnation = s.store().sessions().pairIncarnation(session);
        Instant expires = Instant.now().plus(LINK_TTL);
        String token = s.pairTokens().issue(session, incarnation, expires);
        return Reply.json(
                200,
                new JsonObject()
                        .put("url", s.config().advertisedUrl() + "/pair/" + session + "?t=" + token)
                        .put("expiresAt", expires.toString()));
    }

    /** Every pairing link issued for the session so far stops working (admin keys only). */
    private Reply revokeLinks(RoutingContext ctx) {
        String session = session(ctx);
        ApiAuth.caller(ctx).requireAdmin();
        s.store().sessions().revokePairLinks(session);
        return Reply.json(200, new JsonObject().put("session", session).put("revoked", true));
    }

    private Reply pairPage(RoutingContext ctx) {
        String session = pageSession(ctx);
        // the link's token is in the URL: no cache keeps the page, no Referer carries the link on, no other
        // site frames the page; the one inline script and style run by nonce
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(18));
        ctx.response()
                .putHeader("Cache-Control", "no-store")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(
                        "Content-Security-Policy",
                        "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce
                                + "'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        String html = page.replace("{{SESSION}}", session)
                .replace("<script>", "<script nonce=\"" + nonce + "\">")
                .replace("<style>", "<style nonce=\"" + nonce + "\">");
        return Reply.bytes(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private Reply events(RoutingContext ctx) {
        String session = pageSession(ctx);
        if (!s.pairing().hasRoom(session)) {
            throw ApiError.tooManyRequests(
                    "too_many_streams",
                    "too many pairing pages are open for this session or node; " + "close one and reload");
        }
        var view = s.runtime().view(session);
        var row = s.store().sessions().get(session);
        var status = view.map(v -> v.status()).orElse(row.status());
        String qr = view.map(v -> v.qr()).orElse(null);
        String reason = view.map(v -> v.reason()).orElse(row.statusReason());
        return c -> {
            var response = c.response();
            var context = c.vertx().getOrCreateContext();
            s.pairing().open(session, context, response);
            PairingHub.send(
                    context,
                    response,
                    "status",
                    new JsonObject().put("status", status.name()).put("reason", reason));
            if (status == SessionStatus.SCAN_QR_CODE && qr != null) {
                PairingHub.send(
                        context, response, "qr", new JsonObject().put("qr", qr).put("png", QrImages.dataUrl(qr)));
            }
        };
    }

    private String session(RoutingContext ctx) {
        return Params.session(ctx, s.store(), "session", ctx.pathParam("session"));
    }

    private String pageSession(RoutingContext ctx) {
        String session = validated(ctx.pathParam("session"));
        Optional<PairIncarnation> current;
        try {
            current = Optional.of(s.store().sessions().pairIncarnation(session));
        } catch (StoreException.NotFound e) {
            current = Optional.empty(); // the same answer as a bad link: the page tells nothing about names
        }
        if (current.flatMap(c -> s.pairTokens().verify(session, c, ctx.request().getParam("t"), Instant.now()))
                .isEmpty()) {
            throw ApiError.forbidden(
                    "invalid_pair_link", "t", "this pairing link is invalid, revoked or expired; ask for a new one");
        }
        return session;
    }

    private static String validated(String session) {
        try {
            return Validation.sessionName(session);
        } catch (StoreException.InvalidInput e) {
            throw ApiError.badRequest("session", e.getMessage());
        }
    }
}
