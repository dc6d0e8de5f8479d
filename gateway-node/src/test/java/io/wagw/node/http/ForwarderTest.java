package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.wagw.node.cluster.ClusterAgent;
import io.wagw.node.testing.Http;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwarderTest {

    @Test
    void anOwnerThatDoesNotAnswerIsA503WithoutItsAddressOrTheCause() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String owner = "http://127.0.0.1:" + closedPort;
        Vertx vertx = Vertx.vertx();
        try {
            var forwarder = new Forwarder(session -> new ClusterAgent.Route(Optional.of(owner), false), "n1", vertx.createHttpClient());
            Router r = Router.router(vertx);
            r.route().handler(BodyHandler.create());
            r.route("/api/*").handler(forwarder);
            r.route().failureHandler(new ErrorHandler());
            var server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await();

            var response = new Http("http://127.0.0.1:" + server.actualPort(), "key").get("/api/sessions/salon-1");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.json().path("error").asText()).isEqualTo("owner_unreachable");
            assertThat(response.json().path("message").asText()).isEqualTo("the node running this session did not answer; retry in a moment")
                    .doesNotContain("127.0.0.1", String.valueOf(closedPort));
        } finally {
            vertx.close().await();
        }
    }
}
