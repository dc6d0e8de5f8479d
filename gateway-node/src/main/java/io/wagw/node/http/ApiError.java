package io.wagw.node.http;

/**
 * A request refused at the edge: rendered as {@code status} with body {@code {error, message, field}}.
 *
 * @param field the request field at fault, or null
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    private ApiError(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiError badRequest(String field, String message) {
        return new ApiError(400, "invalid_request", message, field);
    }

    public static ApiError notFound(String field, String message) {
        return new ApiError(404, "not_found", message, field);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "forbidden", message, null);
    }

    /** 403 with a code of its own, e.g. a pairing link that is invalid, revoked or expired. */
    public static ApiError forbidden(String code, String field, String message) {
        return new ApiError(403, code, message, field);
    }

    /** 400 {@code malformed_json}: the body is not JSON the parser accepts. */
    public static ApiError malformedJson(String message) {
        return new ApiError(400, "malformed_json", message, null);
    }

    /** 400 {@code unknown_field}: the body holds a field the endpoint does not accept. */
    public static ApiError unknownField(String field, String message) {
        return new ApiError(400, "unknown_field", message, field);
    }

    /** 400 {@code duplicate_key}: the body holds a key twice. */
    public static ApiError duplicateKey(String field, String message) {
        return new ApiError(400, "duplicate_key", message, field);
    }

    /** 415 {@code unsupported_media_type}: the body is not UTF-8 JSON. */
    public static ApiError unsupportedMediaType(String message) {
        return new ApiError(415, "unsupported_media_type", message, null);
    }

    /** 401: the caller is not authenticated ({@code code} says why). */
    public static ApiError unauthorized(String code, String field, String message) {
        return new ApiError(401, code, message, field);
    }

    /** 409: the request does not fit the current state of what it names ({@code code} says how). */
    public static ApiError conflict(String code, String field, String message) {
        return new ApiError(409, code, message, field);
    }

    /** 429: too many of something at once ({@code code} says what); the caller may retry later. */
    public static ApiError tooManyRequests(String code, String message) {
        return new ApiError(429, code, message, null);
    }

    /** 503: unavailable for a moment ({@code code} says why); the caller may retry shortly. */
    public static ApiError unavailable(String code, String field, String message) {
        return new ApiError(503, code, message, field);
    }

    /** 504: the work was not done in time ({@code code} says which); it may still complete. */
    public static ApiError timedOut(String code, String message) {
        return new ApiError(504, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
