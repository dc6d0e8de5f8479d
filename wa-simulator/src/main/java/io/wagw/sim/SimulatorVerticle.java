package io.wagw.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.wagw.sim.control.ControlRoutes;
import io.wagw.sim.core.World;
import io.wagw.sim.page.PageAssets;
import io.wagw.sim.page.PageHub;
import java.security.SecureRandom;

/**
 * The whole simulator on one event loop: the page, its WebSocket and the control API share one
 * {@link World}, so no state is ever touched by two threads.
 */
final class SimulatorVerticle extends VerticleBase {
    private final SimulatorOptions options;
    private HttpServer server;

    SimulatorVerticle(SimulatorOptions options) {
        this.options = options;
    }

    @Override
    public Future<?> start() {
        World world = new World(
                System::currentTimeMillis, new SecureRandom(), options.maxTextChars(), options.historyLimit());
        PageHub hub = new PageHub(vertx, world, options);
        Router router = router(vertx, options, world, hub);
        server = vertx.createHttpServer(new HttpServerOptions()
                .setMaxWebSocketFrameSize(64 * 1024)
                .setMaxWebSocketMessageSize(1024 * 1024)
                .setCompressionSupported(true));
        return server.requestHandler(router).listen(options.port(), options.host());
    }

    /** The routes of one simulator: page, page socket, control API. */
    static Router router(Vertx vertx, SimulatorOptions options, World world, PageHub hub) {
        Router router = Router.router(vertx);
        PageAssets assets = new PageAssets(options, hub::faults);
        ControlRoutes control = new ControlRoutes(world, hub, new ObjectMapper());
        router.get("/").handler(assets::page);
        router.get("/send").handler(assets::page);
        router.get("/static/app.js").handler(assets::script);
        router.get("/static/app.css").handler(assets::style);
        router.get("/ws/chat")
                .handler(ctx ->
                        ctx.request().toWebSocket().onSuccess(hub::accept).onFailure(ctx::fail));
        control.mount(router);
        router.route().failureHandler(control::failure);
        router.errorHandler(404, control::failure);
        router.errorHandler(405, control::failure);
        return router;
    }

    int actualPort() {
        return server.actualPort();
    }
}
