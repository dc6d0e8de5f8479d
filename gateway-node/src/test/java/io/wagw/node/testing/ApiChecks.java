package io.wagw.node.testing;

import java.util.Optional;

/** What every answer of the API must look like, whatever it was sent. */
public final class ApiChecks {
    private ApiChecks() {}

    /**
     * What is wrong with an answer: a server error (5xx), or a client error (4xx) without a JSON body
     * holding {@code error} and {@code message}; empty when the answer is fine.
     */
    public static Optional<String> violation(Http.Response r) {
        if (r.status() >= 500) {
            return Optional.of("status " + r.status() + ": " + abbreviate(r.text()));
        }
        if (r.status() >= 400) {
            if (r.json() == null) {
                return Optional.of("status " + r.status() + " without a JSON body (" + r.contentType() + "): "
                        + abbreviate(r.text()));
            }
            if (r.json().path("error").asText().isEmpty()
                    || r.json().path("message").asText().isEmpty()) {
                return Optional.of("status " + r.status() + " without error and message: " + abbreviate(r.text()));
            }
        }
        return Optional.empty();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
