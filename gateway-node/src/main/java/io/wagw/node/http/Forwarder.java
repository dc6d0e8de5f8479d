package io.wagw.node.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.cluster.ClusterAgent;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a cluster any node accepts any call: a call for a session that runs (or is assigned) elsewhere is
 * proxied to that node, response streamed back as is (the pairing page's event stream too). The call goes
 * only to an address of a configured member ({@link ForwardTargets}) and carries, instead of the caller's
 * API key, the caller this node authenticated, signed ({@link ForwardSignature}). A forwarded call is never
 * forwarded again, and while a session moves between nodes the answer is 503 with {@code Retry-After}.
 */
final class Forwarder implements Handler<RoutingContext> {
    private static final Pattern SESSION_PATH = Pattern.compile("^/api/sessions/([^/]+)(/(restart|logout))?$");
    private static final Pattern SESSION_SUB = Pattern.compile("^/api/([^/]+)/(auth|me|chats|events)(/.*)?$");
    private static final Pattern PAIR = Pattern.compile("^/pair/([^/]+)(/events|/code)?$");
    private static final Set<String> BODY_ROUTES =
            Set.of("/api/sendText", "/api/sendSeen", "/api/startTyping", "/api/stopTyping");
    private static final String[] PASSED_HEADERS = {"Content-Type", "Accept"};

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private final Function<String, ClusterAgent.Route> routes;
    private final String localNodeId;
    private final HttpClient client;
    private final ForwardTargets targets;
    private final ForwardSignature signature;
    private final Clock clock;

    /**
     * @param routes  where a session runs ({@link ClusterAgent#route})
     * @param targets the addresses calls may go to: the configured members'
     */
    Forwarder(
            Function<String, ClusterAgent.Route> routes,
            String localNodeId,
            HttpClient client,
            ForwardTargets targets,
            ForwardSignature signature,
            Clock clock) {
        this.routes = routes;
        this.localNodeId = localNodeId;
        this.client = client;
        this.targets = targets;
        this.signature = signature;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<String> session = sessionOf(ctx);
        if (session.isEmpty()) {
            ctx.next();
            return;
        }
        String name = session.get();
        ClusterAgent.Route route = routes.apply(name);
        Optional<ClusterAgent.Owner> owner = route.remoteOwner();
        if (owner.isEmpty()) {
            ctx.next();
            return;
        }
        if (ForwardAuth.forward(ctx).isPresent() || route.moving()) {
            ctx.response().putHeader("Retry-After", "2");
            ctx.fail(ApiError.unavailable(
                    "session_moving",
                    "session",
                    "session '%s' is moving between nodes; retry in a moment".formatted(name)));
            return;
        }
        URI url = URI.create(owner.get().httpUrl());
        // the member check may look names up: off the event loop
        Future.fromCompletionStage(
                        CompletableFuture.supplyAsync(() -> targets.address(url), Blocking.executor()),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(address -> {
                    if (address.isPresent()) {
                        proxy(ctx, url, address.get());
                    } else {
                        log.warn(
                                "node {} advertises {}, whose host is not one of GW_CLUSTER_MEMBERS; not forwarding {} {} to it",
                                owner.get().nodeId(),
                                url,
                                ctx.request().method(),
                                ctx.request().path());
                        ownerUnreachable(ctx);
                    }
                })
                .onFailure(ctx::fail);
    }

    private Optional<String> sessionOf(RoutingContext ctx) {
        String path = ctx.request().path();
        String method = ctx.request().method().name();
        Matcher m = SESSION_PATH.matcher(path);
        if (m.matches() && (m.group(2) != null || !method.equals("POST"))) {
            return Optional.of(m.group(1));
        }
        m = SESSION_SUB.matcher(path);
        if (m.matches()) {
            return Optional.of(m.group(1));
        }
        m = PAIR.matcher(path);
        if (m.matches()) {
            return Optional.of(m.group(1));
        }
        if (BODY_ROUTES.contains(path) && ctx.body().buffer() != null) {
            try {
                Object v = new JsonObject(ctx.body().buffer()).getValue("session");
                return v instanceof String s ? Optional.of(s) : Optional.empty();
            } catch (RuntimeException e) {
                return Optional.empty(); // malformed: the local route reports it
            }
        }
        return Optional.empty();
    }

    private void proxy(RoutingContext ctx, URI url, InetAddress address) {
        var request = ctx.request();
        int port = url.getPort() > 0 ? url.getPort() : 80;
        String host = url.getHost().startsWith("[")
                ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        var options = new RequestOptions()
                .setMethod(request.method())
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(host)
                .setPort(port)
                .setURI(request.uri())
                .setTimeout(150_000);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String h : PASSED_HEADERS) {
            if (request.getHeader(h) != null) {
                headers.set(h, request.getHeader(h));
            }
        }
        headers.addAll(signature.sign(
                request.method().name(),
                request.uri(),
                ForwardAuth.signedBody(ctx),
                Optional.ofNullable(ApiAuth.caller(ctx)),
                localNodeId,
                clock.instant()));
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        options.setHeaders(headers);
        client.request(options)
                .compose(r -> body == null ? r.send() : r.send(body))
                .onSuccess(response -> relay(ctx, response))
                .onFailure(e -> {
                    // the caller learns that the owner is away; where it is and why stays in the log
                    log.warn("{} {}: forwarding to {} failed: {}", request.method(), request.path(), url, e.toString());
                    ownerUnreachable(ctx);
                });
    }

    /** The one answer for an owner that cannot be reached, whatever the reason: the reason stays in the log. */
    private static void ownerUnreachable(RoutingContext ctx) {
        ctx.response().putHeader("Retry-After", "2");
        ctx.fail(ApiError.unavailable(
                "owner_unreachable", null, "the node running this session did not answer; retry in a moment"));
    }

    private static void relay(RoutingContext ctx, HttpClientResponse response) {
        var out = ctx.response().setStatusCode(response.statusCode());
        response.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("content-length")
                    && !k.equalsIgnoreCase("transfer-encoding")
                    && !k.equalsIgnoreCase("connection")) {
                out.putHeader(k, v);
            }
        });
        out.setChunked(true);
        response.handler(out::write);
        response.endHandler(v -> out.end());
        out.closeHandler(v -> response.request().reset());
    }
}
