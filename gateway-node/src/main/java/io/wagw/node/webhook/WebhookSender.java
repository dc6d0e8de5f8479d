package io.wagw.node.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.wagw.store.webhook.WebhookDelivery;
import io.wagw.store.webhook.WebhookHeader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs one webhook delivery, to an address {@link WebhookDestinations} resolved and checked: the
 * connection goes to that address, while the {@code Host} header, the TLS server name and the
 * certificate check use the URL's host. HTTP/1.1, redirects not followed. The only class that imports
 * Vert.x's HTTP client; blocking, for the dispatcher's virtual threads.
 *
 * <p>Each request carries {@code Content-Type: application/json}, {@code X-Webhook-Request-Id} (the
 * same on every attempt of a row), {@code X-Webhook-Timestamp} (ms, per attempt), the webhook's custom
 * headers and, for a signed webhook, {@code X-Webhook-Hmac} (hex HMAC-SHA512 of the exact body) with
 * {@code X-Webhook-Hmac-Algorithm: sha512}.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    /** What became of one request. */
    public sealed interface Outcome {
        /** The receiver answered. @param retryAfter its {@code Retry-After} (seconds form), or null */
        record Answered(int status, Duration retryAfter) implements Outcome {}

        /** The destination is not allowed; nothing was sent. */
        record Refused(String detail) implements Outcome {}

        /** No HTTP answer: the name did not resolve, connecting or TLS failed, or the time ran out. */
        record NoAnswer(String detail) implements Outcome {}

        /** The stored row cannot become a request, e.g. its URL or a header is invalid. */
        record Unsendable(String detail) implements Outcome {}
    }

    private final WebhookDestinations destinations;
    private final Duration timeout;
    private final HttpClientAgent client;

    /**
     * @param timeout limit of one attempt: connecting, and then each wait for data from the receiver
     */
    public WebhookSender(Vertx vertx, WebhookDestinations destinations, Duration timeout) {
        this(vertx, destinations, timeout, null);
    }

    /** @param trust whom TLS trusts; null for the JDK's default certificate authorities */
    WebhookSender(Vertx vertx, WebhookDestinations destinations, Duration timeout, TrustOptions trust) {
        this.destinations = destinations;
        this.timeout = timeout;
        this.client = vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        // a connection per delivery: a request written on a pooled connection the receiver is
                        // closing fails after the receiver may have taken it, and its retry is a duplicate
                        .setKeepAlive(false)
                        .setConnectTimeout((int) timeout.toMillis())
                        .setVerifyHost(true)
                        .setTrustOptions(trust))
                // The failed request reports what went wrong, and the dispatcher logs it once, without the path.
                .withConnectHandler(connection -> connection.exceptionHandler(ignored -> {}))
                .build();
    }

    /**
     * Sends {@code row} once, waiting at most a second more than the timeout for the whole exchange.
     *
     * @throws InterruptedException when the calling thread is interrupted; the request is abandoned
     */
    public Outcome send(WebhookDelivery row) throws InterruptedException {
        URI url;
        try {
            url = new URI(row.url());
        } catch (URISyntaxException e) {
            return new Outcome.Unsendable("invalid URL");
        }
        boolean tls = "https".equals(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        InetAddress address;
        try {
            address = destinations.resolve(url.getHost());
        } catch (WebhookDestinations.Refused e) {
            return new Outcome.Refused(e.getMessage());
        } catch (UnknownHostException e) {
            return new Outcome.NoAnswer("cannot resolve " + url.getHost());
        }
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        byte[] body = row.body().getBytes(StandardCharsets.UTF_8);
        RequestOptions options;
        try {
            options = request(row, url, port, tls, address, target, body);
        } catch (IllegalArgumentException e) {
            return new Outcome.Unsendable(e.getClass().getSimpleName());
        }
        AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        Future<Outcome> exchange = client.request(options)
                .compose(r -> {
                    request.set(r);
                    return r.send(Buffer.buffer(body));
                })
                // The body is not read (without a handler Vert.x drops it): only the status counts. Setting a handler
                // here failed ("Response already ended") when a body-less answer had ended before this callback ran,
                // and the dispatcher sent the already received event again; end() is safe either way.
                .compose(response -> response.end().map(done -> (Outcome)
                        new Outcome.Answered(response.statusCode(), retryAfter(response.getHeader("Retry-After")))));
        try {
            return exchange.toCompletionStage()
                    .toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(request.get());
            return new Outcome.NoAnswer(noAnswerInTime());
        } catch (ExecutionException e) {
            String detail = describe(e.getCause(), target);
            return new Outcome.NoAnswer(
                    e.getCause() instanceof TimeoutException ? noAnswerInTime() + ": " + detail : detail);
        } catch (InterruptedException e) {
            abandon(request.get());
            throw e;
        }
    }

    private RequestOptions request(
            WebhookDelivery row, URI url, int port, boolean tls, InetAddress address, String target, byte[] body) {
        String host = url.getHost().startsWith("[")
                ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(host)
                .setPort(port)
                .setSsl(tls)
                .setURI(target)
                .setFollowRedirects(false)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Webhook-Request-Id", row.requestId())
                .putHeader("X-Webhook-Timestamp", Long.toString(System.currentTimeMillis()));
        if (row.hmacKey() != null) {
            options.putHeader("X-Webhook-Hmac", WebhookSigner.sign(row.hmacKey(), body))
                    .putHeader("X-Webhook-Hmac-Algorithm", WebhookSigner.ALGORITHM_NAME);
        }
        for (WebhookHeader h : row.headers()) {
            options.addHeader(h.name(), h.value());
        }
        return options;
    }

    private String noAnswerInTime() {
        return "no answer within " + timeout.toMillis() + " ms";
    }

    private static void abandon(HttpClientRequest request) {
        if (request != null) {
            request.reset();
        }
    }

    static Duration retryAfter(String value) {
        return Optional.ofNullable(value)
                .flatMap(v -> {
                    try {
                        long seconds = Long.parseLong(v.strip());
                        return seconds < 0
                                ? Optional.empty()
                                : Optional.of(Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds())));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                })
                .orElse(null);
    }

    // For the node's log only: the path and query may carry a token, so they are left out.
    private static String describe(Throwable cause, String target) {
        Throwable root = cause;
        for (Throwable t = cause.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null) {
                root = t; // the deepest explanation: "No subject alternative DNS name matching ..." rather than "SSL
                // failed"
            }
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return target.length() > 1 ? text.replace(target, "/…") : text;
    }

    @Override
    public void close() {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing anyway: connections left open go with the Vert.x instance.
        }
    }
}
