package io.wagw.node.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.wagw.store.SessionStore;
import io.wagw.store.apikey.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code X-Api-Key} authentication: the node's admin key (compared in constant time) or a key from
 * the store (admin, or limited to one tenant or one session). The caller is put into the routing context. A call
 * another node forwarded carries no key: {@link ForwardAuth} has put the caller that node authenticated. A call
 * from the web console carries its sign-in cookie instead of a key ({@link ConsoleAuth}).
 */
final class ApiAuth implements Handler<RoutingContext> {
    static final String HEADER = "X-Api-Key";
    private static final String CALLER = "caller";

    private final byte[] adminKey;
    private final SessionStore store;

    private final ConsoleAuth consoleAuth;

    ApiAuth(String adminKey, SessionStore store) {
        this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
        this.store = store;
        this.consoleAuth = new ConsoleAuth(store);
    }

    static Caller caller(RoutingContext ctx) {
        return ctx.get(CALLER);
    }

    /**
     * Refuses (403) a caller that may not touch this session; for a tenant's key the session's tenant is read
     * from the store (an unknown session is 404).
     */
    static void requireSession(RoutingContext ctx, SessionStore store, String name) {
        Caller caller = caller(ctx);
        caller.requireSession(
                name,
                caller.tenant() == null ? null : store.sessions().get(name).tenant());
    }

    /** For {@link ForwardAuth}: the caller of a verified forwarded call. */
    static void authenticated(RoutingContext ctx, Caller caller) {
        ctx.put(CALLER, caller);
    }

    /** What a presented key stands for: the caller, and the stored key's id (null for the node's admin key). */
    record KeyMatch(Caller caller, ApiKey.Scope scope, Long storedId) {}

    /** Looks a presented key up (blocking: a stored key is a database read). */
    Optional<KeyMatch> match(String presented) {
        if (MessageDigest.isEqual(adminKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(new KeyMatch(Caller.ADMIN, ApiKey.Scope.ADMIN, null));
        }
        return store.apiKeys()
                .verify(presented)
                .map(key -> new KeyMatch(
                        switch (key.scope()) {
                            case ADMIN -> Caller.ADMIN;
                            case SESSION -> Caller.forSession(key.session());
                            case TENANT -> Caller.forTenant(key.tenant());
                        },
                        key.scope(),
                        key.id()));
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (caller(ctx) != null) {
            ctx.next();
            return;
        }
        String presented = ctx.request().getHeader(HEADER);
        if ((presented == null || presented.isBlank()) && ConsoleAuth.cookie(ctx) != null) {
            // the web console: its sign-in cookie instead of a key, and a CSRF token on every change
            consoleAuth.authenticate(ctx);
            return;
        }
        if (presented == null || presented.isBlank()) {
            ctx.fail(ApiError.unauthorized("missing_api_key", HEADER, "send your API key in the X-Api-Key header"));
            return;
        }
        var context = ctx.vertx().getOrCreateContext();
        Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> match(presented), Blocking.executor()), context)
                .onSuccess((Optional<KeyMatch> key) -> {
                    if (key.isEmpty()) {
                        ctx.fail(ApiError.unauthorized("invalid_api_key", HEADER, "the API key is unknown or revoked"));
                        return;
                    }
                    authenticated(ctx, key.get().caller());
                    ctx.next();
                })
                .onFailure(ctx::fail);
    }
}
