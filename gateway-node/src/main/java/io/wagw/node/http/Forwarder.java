package io.wagw.node.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.cluster.ClusterAgent;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a cluster any node accepts any call: a call for a session that runs (or is assigned) elsewhere is
 * proxied to that node, response streamed back as is (the pairing page's event stream too). A hop
 * header stops loops: a forwarded call is never forwarded again, and while a session moves between
 * nodes the answer is 503 with {@code Retry-After}.
 */
final class Forwarder implements Handler<RoutingContext> {
    static final String HOP = "X-Wagw-Forwarded-By";
    private static final Pattern SESSION_PATH = Pattern.compile("^/api/sessions/([^/]+)(/(restart|logout))?$");
    private static final Pattern SESSION_SUB = Pattern.compile("^/api/([^/]+)/(auth|me|chats)(/.*)?$");
    private static final Pattern PAIR = Pattern.compile("^/pair/([^/]+)(/events)?$");
    private static final Set<String> BODY_ROUTES = Set.of("/api/sendText", "/api/sendSeen", "/api/startTyping", "/api/stopTyping");

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private final Function<String, ClusterAgent.Route> routes;
    private final String localNodeId;
    private final HttpClient client;

    Forwarder(ClusterAgent agent, HttpClient client) {
        this(agent::route, agent.localNodeId(), client);
    }

    /** @param routes where a session runs ({@link ClusterAgent#route}) */
    Forwarder(Function<String, ClusterAgent.Route> routes, String localNodeId, HttpClient client) {
        this.routes = routes;
        this.localNodeId = localNodeId;
        this.client = client;
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
        Optional<String> target = route.remoteOwnerUrl();
        if (target.isEmpty()) {
            ctx.next();
            return;
        }
        if (ctx.request().getHeader(HOP) != null || route.moving()) {
            ctx.response().putHeader("Retry-After", "2");
            ctx.fail(new ApiError(503, "session_moving",
                    "session '%s' is moving between nodes; retry in a moment".formatted(name), "session"));
            return;
        }
        proxy(ctx, URI.create(target.get()));
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

    private void proxy(RoutingContext ctx, URI target) {
        var request = ctx.request();
        var options = new RequestOptions().setMethod(request.method()).setHost(target.getHost())
                .setPort(target.getPort() > 0 ? target.getPort() : 80).setURI(request.uri()).setTimeout(150_000);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String h : new String[]{"X-Api-Key", "Content-Type", "Accept"}) {
            if (request.getHeader(h) != null) {
                headers.set(h, request.getHeader(h));
            }
        }
        headers.set(HOP, localNodeId);
        options.setHeaders(headers);
        Buffer body = ctx.body().buffer();
        client.request(options)
                .compose(r -> body == null ? r.send() : r.send(body))
                .onSuccess(response -> relay(ctx, response))
                .onFailure(e -> {
                    // the caller learns that the owner is away; where it is and why stays in the log
                    log.warn("{} {}: forwarding to {} failed: {}", request.method(), request.path(), target, e.toString());
                    ctx.response().putHeader("Retry-After", "2");
                    ctx.fail(new ApiError(503, "owner_unreachable",
                            "the node running this session did not answer; retry in a moment", null));
                });
    }

    private static void relay(RoutingContext ctx, HttpClientResponse response) {
        var out = ctx.response().setStatusCode(response.statusCode());
        response.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("transfer-encoding") && !k.equalsIgnoreCase("connection")) {
                out.putHeader(k, v);
            }
        });
        out.setChunked(true);
        response.handler(out::write);
        response.endHandler(v -> out.end());
        out.closeHandler(v -> response.request().reset());
    }
}
