package io.wagw.node.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.ForwardSignature.Forward;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request with any {@code X-Wagw-*} header claims to be forwarded by another node. It goes on only with a valid
 * {@link ForwardSignature}, and then as the caller the forwarding node authenticated (which {@link ApiAuth} takes
 * as is); without one it is refused here with a 401 that does not say what was wrong. So a claim to be forwarded
 * never stands in for an API key, and never skips the owner check of {@link Forwarder}.
 */
final class ForwardAuth implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(ForwardAuth.class);
    private static final String FORWARD = "forward";

    private final ForwardSignature signature;
    private final Clock clock;

    ForwardAuth(ForwardSignature signature, Clock clock) {
        this.signature = signature;
        this.clock = clock;
    }

    /** The verified forward this request came by; empty for a request from a client. */
    static Optional<Forward> forward(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(FORWARD));
    }

    /** The body a forwarding signature covers: as read, none ahead of the body handler (the pairing page). */
    static byte[] signedBody(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    @Override
    public void handle(RoutingContext ctx) {
        var request = ctx.request();
        // mounted twice for the pairing page (ahead of its forwarder, and for every route): check once
        if (forward(ctx).isPresent()
                || request.headers().names().stream().noneMatch(ForwardSignature::isForwardHeader)) {
            ctx.next();
            return;
        }
        Optional<Forward> forward = signature.verify(
                request.method().name(), request.uri(), signedBody(ctx), request::getHeader, clock.instant());
        if (forward.isEmpty()) {
            log.warn(
                    "refused {} {} from {}: X-Wagw-* headers without a valid signature (claimed node: {})",
                    request.method(),
                    request.path(),
                    request.remoteAddress(),
                    request.getHeader(ForwardSignature.FORWARDED_BY));
            ctx.fail(ApiError.unauthorized("unauthorized", null, "the request could not be authenticated"));
            return;
        }
        ctx.put(FORWARD, forward.get());
        forward.get().caller().ifPresent(caller -> ApiAuth.authenticated(ctx, caller));
        ctx.next();
    }
}
