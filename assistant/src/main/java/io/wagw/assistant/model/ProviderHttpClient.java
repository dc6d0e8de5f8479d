package io.wagw.assistant.model;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The HTTP client LangChain4j's chat models use here: the JDK's, but a failed response becomes a
 * {@link ProviderFailure} carrying its status class and {@code Retry-After} (LangChain4j's own client drops the
 * headers of an error). Streaming is not used by the assistant and not supported.
 */
final class ProviderHttpClient implements HttpClient {
    private static final int MAX_ERROR_BODY = 300;

    private final java.net.http.HttpClient http;
    private final Duration readTimeout;

    private ProviderHttpClient(Builder b) {
        this.http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(Redirect.NORMAL)
                .build();
        this.readTimeout = b.readTimeout;
    }

    static Builder builder(Duration timeout) {
        return new Builder().connectTimeout(timeout).readTimeout(timeout);
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        var b = java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
        request.headers().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        b.method(
                request.method().name(),
                request.body() == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new ProviderFailure(
                    ProviderFailure.Kind.TIMEOUT, "no answer within " + readTimeout.toMillis() + " ms", null, null);
        } catch (ConnectException e) {
            throw new ProviderFailure(
                    ProviderFailure.Kind.SERVER,
                    "cannot connect to " + URI.create(request.url()).getAuthority(),
                    null,
                    null);
        } catch (IOException e) {
            throw new ProviderFailure(ProviderFailure.Kind.SERVER, "connection failed: " + e, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderFailure(ProviderFailure.Kind.TIMEOUT, "interrupted while waiting", null, null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return SuccessfulHttpResponse.builder()
                    .statusCode(status)
                    .headers(response.headers().map())
                    .body(response.body())
                    .build();
        }
        String body = response.body() == null ? "" : response.body().strip();
        String excerpt = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "…" : body;
        String message = "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
        if (status == 429) {
            throw new ProviderFailure(
                    ProviderFailure.Kind.RATE_LIMITED,
                    message,
                    retryAfter(response.headers().map(), Instant.now()),
                    null);
        }
        if (status >= 500 || status == 408) {
            throw new ProviderFailure(
                    ProviderFailure.Kind.SERVER,
                    message,
                    retryAfter(response.headers().map(), Instant.now()),
                    null);
        }
        throw new ProviderFailure(ProviderFailure.Kind.REJECTED, message, null, null);
    }

    /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Map<String, List<String>> headers, Instant now) {
        String value = headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("retry-after"))
                .flatMap(e -> e.getValue().stream())
                .findFirst()
                .map(String::strip)
                .orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(value);
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        listener.onError(new UnsupportedOperationException("the assistant does not stream model answers"));
    }

    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            if (timeout != null) {
                this.connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            if (timeout != null) {
                this.readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            return new ProviderHttpClient(this);
        }
    }
}
