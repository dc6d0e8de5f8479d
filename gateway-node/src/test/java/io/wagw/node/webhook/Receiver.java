package io.wagw.node.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real local HTTP webhook receiver that records every request and answers as the test scripts. */
final class Receiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Decides the status of the n-th request (0-based); may block to simulate a slow receiver. */
    interface Script {
        int status(int n, Hit hit) throws Exception;
    }

    /** One request as received, and what it was answered. */
    record Hit(String path, Map<String, List<String>> headers, String body, int status) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }

        Map<String, Object> json() {
            try {
                return JSON.readValue(body, new TypeReference<>() {});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> payload() {
            return (Map<String, Object>) json().get("payload");
        }

        boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final HttpServer server;
    private final Script script;

    private Receiver(int port, Script script) {
        this.script = script;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    static Receiver start(Script script) {
        return new Receiver(0, script);
    }

    static Receiver startOn(int port, Script script) {
        return new Receiver(port, script);
    }

    static String url(int port, String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String url(String path) {
        return url(port(), path);
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Hit> accepted() {
        return hits.stream().filter(Hit::accepted).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var seen = new Hit(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body, 0);
            int status;
            try {
                status = script.status(count.getAndIncrement(), seen);
            } catch (Exception e) {
                status = 599;
            }
            hits.add(new Hit(seen.path(), seen.headers(), body, status));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
