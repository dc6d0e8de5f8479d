package io.wagw.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small blocking HTTP client for tests against a running node. It speaks HTTP/1.1: the JDK client's
 * default (an h2c upgrade on a cleartext connection, which Vert.x accepts) once left a CI run waiting on a
 * request that never completed, its 150 s timeout included. Copies made by {@link #withKey} share the
 * connection pool.
 */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final String base;
    private final String key;

    public Http(String base, String key) {
        this(
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build(),
                base,
                key);
    }

    private Http(HttpClient client, String base, String key) {
        this.client = client;
        this.base = base;
        this.key = key;
    }

    public Http withKey(String otherKey) {
        return new Http(client, base, otherKey);
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Response(int status, String contentType, byte[] bytes, JsonNode json) {
        public String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, "application/json", null);
    }

    public Response get(String path, String accept) {
        return send("GET", path, null, "application/json", accept);
    }

    public Response post(String path, String body) {
        return send("POST", path, body, "application/json", null);
    }

    public Response put(String path, String body) {
        return send("PUT", path, body, "application/json", null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, "application/json", null);
    }

    public Response send(String method, String path, String body, String contentType, String accept) {
        var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(150));
        if (key != null) {
            b.header("X-Api-Key", key);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (body != null) {
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            var r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = type.startsWith("application/json") && r.body().length > 0 ? JSON.readTree(r.body()) : null;
            return new Response(r.statusCode(), type, r.body(), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
