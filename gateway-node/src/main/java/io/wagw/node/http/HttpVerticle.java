package io.wagw.node.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** Serves the API on the node's HTTP port. */
public final class HttpVerticle extends VerticleBase {
    private final NodeServices services;
    private HttpServer server;

    public HttpVerticle(NodeServices services) {
        this.services = services;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost(services.config().httpHost())
                .setPort(services.config().httpPort()).setCompressionSupported(true));
        return server.requestHandler(Api.router(vertx, services)).invalidRequestHandler(ErrorHandler::invalidRequest).listen();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
