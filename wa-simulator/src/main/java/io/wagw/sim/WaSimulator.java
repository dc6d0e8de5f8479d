package io.wagw.sim;

import io.vertx.core.Vertx;
import io.wagw.sim.client.SimClient;
import java.util.concurrent.TimeUnit;

/**
 * A running simulator of WhatsApp Web, WhatsApp's servers and the phones. Embed it in tests:
 *
 * <pre>{@code
 * try (WaSimulator sim = WaSimulator.start(SimulatorOptions.fast())) {
 *   page.navigate(sim.baseUrl() + "/");           // the WhatsApp-Web-like page
 *   sim.client().createAccount("77011234567", "Salon");   // the /sim/ control API
 * }
 * }</pre>
 *
 * Each instance owns its Vert.x and state; {@link #close()} stops it and drops every page connection.
 */
public final class WaSimulator implements AutoCloseable {
    private final Vertx vertx;
    private final SimulatorOptions options;
    private final int port;
    private final SimClient client;

    private WaSimulator(Vertx vertx, SimulatorOptions options, int port) {
        this.vertx = vertx;
        this.options = options;
        this.port = port;
        this.client = new SimClient(baseUrl());
    }

    /** Starts with WhatsApp's real timings on a free loopback port. */
    public static WaSimulator start() {
        return start(SimulatorOptions.defaults());
    }

    /** Starts and returns once the port listens; port 0 picks a free one. */
    public static WaSimulator start(SimulatorOptions options) {
        Vertx vertx = Vertx.vertx();
        SimulatorVerticle verticle = new SimulatorVerticle(options);
        try {
            vertx.deployVerticle(verticle)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "simulator failed to start on " + options.host() + ":" + options.port() + ": " + cause.getMessage(),
                    cause);
        }
        return new WaSimulator(vertx, options, verticle.actualPort());
    }

    public int port() {
        return port;
    }

    /** {@code http://<host>:<port>} without a trailing slash; the page is at {@code baseUrl() + "/"}. */
    public String baseUrl() {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return "http://" + host + ":" + port;
    }

    public SimulatorOptions options() {
        return options;
    }

    /** A client of this simulator's {@code /sim/} control API. */
    public SimClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator did not stop cleanly", e);
        }
    }
}
