package io.wagw.node.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON request body read strictly: the content type must be JSON, the body an object, unknown
 * fields are refused, and every accessor names the field it complains about.
 */
public final class RequestBody {
    /** Largest request body accepted (a text is at most 64 Ki characters). */
    public static final long MAX_BYTES = 512 * 1024;

    private final JsonObject json;

    private RequestBody(JsonObject json) {
        this.json = json;
    }

    /** Parses the body, allowing only {@code allowed} top-level fields. */
    public static RequestBody of(RoutingContext ctx, String... allowed) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "the request body must be JSON (Content-Type: application/json)", null);
        }
        var buffer = ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            throw ApiError.badRequest(null, "the request body is empty; expected a JSON object");
        }
        Object parsed;
        try {
            parsed = io.vertx.core.json.Json.decodeValue(buffer);
        } catch (DecodeException e) {
            throw new ApiError(400, "malformed_json", "the request body is not valid JSON: " + shorten(e.getMessage()), null);
        }
        if (!(parsed instanceof JsonObject obj)) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
        Set<String> unknown = new TreeSet<>(obj.fieldNames());
        unknown.removeAll(Set.of(allowed));
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new ApiError(400, "unknown_field", "unknown field '%s'; accepted fields: %s".formatted(first, String.join(", ", allowed)), first);
        }
        return new RequestBody(obj);
    }

    public boolean has(String field) {
        return json.containsKey(field) && json.getValue(field) != null;
    }

    public String requiredString(String field) {
        String v = optionalString(field);
        if (v == null) {
            throw ApiError.badRequest(field, field + " is required");
        }
        return v;
    }

    public String optionalString(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw ApiError.badRequest(field, field + " must be a string");
        }
        return s;
    }

    public boolean optionalBoolean(String field, boolean fallback) {
        Object v = json.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw ApiError.badRequest(field, field + " must be true or false");
        }
        return b;
    }

    public JsonObject optionalObject(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonObject o)) {
            throw ApiError.badRequest(field, field + " must be a JSON object");
        }
        return o;
    }

    public JsonArray optionalArray(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw ApiError.badRequest(field, field + " must be a JSON array");
        }
        return a;
    }

    public Map<String, Object> raw() {
        return json.getMap();
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
