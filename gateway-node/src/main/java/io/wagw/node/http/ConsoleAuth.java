package io.wagw.node.http;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.wagw.store.SessionStore;
import io.wagw.store.console.ConsoleSignIn;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The web console's sign-in cookie in place of an API key. The cookie is HttpOnly, SameSite=Strict and expires
 * with its sign-in, which lives in the shared store (valid on every node). A change (any method but GET, HEAD,
 * OPTIONS) must also carry the sign-in's CSRF token in {@value #CSRF_HEADER}; the caller is then the one the
 * API key stood for, and {@link Caller} limits it as it limits the key.
 */
final class ConsoleAuth {
    static final String COOKIE = "wagw_console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration LIFETIME = Duration.ofHours(12);
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final SessionStore store;

    ConsoleAuth(SessionStore store) {
        this.store = store;
    }

    /** The sign-in cookie's token, or null (the store finds no sign-in for null). */
    static String cookie(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return c == null || c.getValue().isEmpty() ? null : c.getValue();
    }

    static Caller callerOf(ConsoleSignIn signIn) {
        return switch (signIn.scope()) {
            case ADMIN -> Caller.ADMIN;
            case SESSION -> Caller.forSession(signIn.session());
            case TENANT -> Caller.forTenant(signIn.tenant());
        };
    }

    /** Authenticates an API call by its cookie (and CSRF token for a change), then lets it go on. */
    void authenticate(RoutingContext ctx) {
        String token = cookie(ctx);
        Future.fromCompletionStage(
                        CompletableFuture.supplyAsync(
                                () -> store.consoleSignIns().find(token), Blocking.executor()),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(signIn -> {
                    try {
                        ApiAuth.authenticated(ctx, callerOf(check(ctx, signIn)));
                    } catch (ApiError e) {
                        ctx.fail(e);
                        return;
                    }
                    ctx.next();
                })
                .onFailure(ctx::fail);
    }

    /** The sign-in if it is live and, for a change, the request carries its CSRF token. */
    static ConsoleSignIn check(RoutingContext ctx, Optional<ConsoleSignIn> signIn) {
        if (signIn.isEmpty()) {
            throw ApiError.unauthorized(
                    "signed_out", COOKIE, "the console sign-in expired or ended; sign in again with your API key");
        }
        if (!SAFE.contains(ctx.request().method())) {
            String presented = ctx.request().getHeader(CSRF_HEADER);
            if (presented == null
                    || !MessageDigest.isEqual(
                            presented.getBytes(StandardCharsets.UTF_8),
                            signIn.get().csrf().getBytes(StandardCharsets.UTF_8))) {
                throw ApiError.forbidden(
                        "csrf_token_invalid",
                        CSRF_HEADER,
                        "a change made with the console's sign-in needs its CSRF token in the X-CSRF-Token header");
            }
        }
        return signIn.get();
    }

    /** The cookie for a new sign-in; Secure when the request came over TLS (directly or through a proxy). */
    static Cookie issue(RoutingContext ctx, String token, Instant expiresAt) {
        return base(ctx, token)
                .setMaxAge(
                        Math.max(1, Duration.between(Instant.now(), expiresAt).toSeconds()));
    }

    /** The cookie that removes the sign-in cookie from the browser. */
    static Cookie cleared(RoutingContext ctx) {
        return base(ctx, "").setMaxAge(0);
    }

    private static Cookie base(RoutingContext ctx, String value) {
        boolean tls =
                ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
        return Cookie.cookie(COOKIE, value)
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(tls);
    }
}
