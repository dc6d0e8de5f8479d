package io.wagw.node.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/** Serves the API on the node's HTTP port. */
public final class HttpVerticle extends VerticleBase {
    private final NodeServices services;
    private HttpServer server;

    public HttpVerticle(NodeServices services) {
        this.services = services;
    }

    @Override
    public Future<?> start() {
        // a connection that sends nothing and is sent nothing for GW_HTTP_IDLE_SECONDS is closed: half-sent
        // requests and silent keep-alive connections must not hold file descriptors for ever (pairing streams
        // send a keep-alive comment every 4 s, more often than the shortest timeout allowed)
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(services.config().httpHost())
                .setPort(services.config().httpPort())
                .setCompressionSupported(true)
                .setIdleTimeout((int) services.config().httpIdleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
        return server.requestHandler(Api.router(vertx, services))
                .invalidRequestHandler(ErrorHandler::invalidRequest)
                .listen();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
