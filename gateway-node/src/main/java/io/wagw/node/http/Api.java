package io.wagw.node.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;

/** Builds the node's HTTP router; tests build it the same way. */
public final class Api {
    private Api() {}

    public static Router router(Vertx vertx, NodeServices services) {
        Router r = Router.router(vertx);
        var signature = new ForwardSignature(services.store().derivedSecret(ForwardSignature.SECRET_LABEL));
        var forwardAuth = new ForwardAuth(signature, Clock.systemUTC());
        r.route().handler(Params::decodable);
        r.route()
                .handler(
                        BodyHandler.create().setBodyLimit(RequestBody.MAX_BYTES).setHandleFileUploads(false));
        r.route().handler(forwardAuth);
        new OpsRoutes(services).mount(r);
        var pairing = new PairingRoutes(services);
        pairing.mountPage(r);
        var auth = new ApiAuth(services.adminKey(), services.store());
        new ConsoleRoutes(services, auth).mount(r);
        r.route("/api/*").handler(auth);
        if (services.cluster() != null) {
            var agent = services.cluster();
            var forwarder = new Forwarder(
                    agent::route,
                    agent.localNodeId(),
                    vertx.createHttpClient(
                            new io.vertx.core.http.HttpClientOptions().setKeepAlive(true),
                            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64)),
                    ForwardTargets.system(agent.cluster().settings().memberHosts()),
                    signature,
                    Clock.systemUTC());
            r.route("/api/*").handler(forwarder);
            // the pairing page is forwarded ahead of every other handler; its forwarding headers are checked first
            r.get("/pair/*").order(-2).handler(forwardAuth);
            r.get("/pair/*").order(-1).handler(forwarder);
            // the page's pairing-code request has a body: forwarded once the body handler read it
            r.post("/pair/*").handler(forwarder);
        }
        pairing.mountPageCode(r);
        new ClusterRoutes(services).mount(r);
        new SessionRoutes(services).mount(r);
        pairing.mountApi(r);
        new MessagingRoutes(services).mount(r);
        new AdminRoutes(services).mount(r);
        new WebhookRoutes(services).mount(r);
        new ConversationRoutes(services).mount(r);
        new AssistantRoutes(services).mount(r);
        var errors = new ErrorHandler();
        r.route().failureHandler(errors);
        // unmatched routes and methods, and whatever else the router answers itself, get the same JSON errors
        for (int status : ErrorHandler.ROUTER_STATUSES) {
            r.errorHandler(status, errors.forStatus(status));
        }
        return r;
    }
}
