package io.wagw.node.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON request body read strictly: the content type must be JSON, the body an object without a key
 * twice in one object, nested at most {@value #MAX_DEPTH} deep, with no control characters in keys or
 * values but tab and line breaks in values; unknown fields are refused, and every accessor names the field
 * it complains about.
 */
public final class RequestBody {
    /**
     * Largest request body accepted: a tenant's knowledge is up to 1 MiB of UTF-8 text, which JSON escaping
     * (line breaks, quotes) can nearly double; a message text is at most 64 Ki characters.
     */
    public static final long MAX_BYTES = 2 * 1024 * 1024;
    /** Deepest nesting accepted; a session's configuration needs 5 levels. */
    static final int MAX_DEPTH = 32;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonObject json;

    private RequestBody(JsonObject json) {
        this.json = json;
    }

    /** Parses the body, allowing only {@code allowed} top-level fields. */
    public static RequestBody of(RoutingContext ctx, String... allowed) {
        if (!isJson(ctx.request().getHeader("Content-Type"))) {
            throw ApiError.unsupportedMediaType("the request body must be UTF-8 JSON (Content-Type: application/json)");
        }
        var buffer = ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            throw ApiError.badRequest(null, "the request body is empty; expected a JSON object");
        }
        Object parsed = parse(buffer.getBytes());
        if (!(parsed instanceof Map<?, ?> map)) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
        requirePlainText("", parsed);
        @SuppressWarnings("unchecked")
        var obj = new JsonObject((Map<String, Object>) map);
        Set<String> unknown = new TreeSet<>(obj.fieldNames());
        unknown.removeAll(Set.of(allowed));
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw ApiError.unknownField(
                    first, "unknown field '%s'; accepted fields: %s".formatted(first, String.join(", ", allowed)));
        }
        return new RequestBody(obj);
    }

    /**
     * Whether a {@code Content-Type} names JSON: exactly {@code application/json}, in any case, with optional
     * parameters; a charset, if given, must be UTF-8.
     */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param[0].strip().equalsIgnoreCase("charset")
                    && (param.length < 2
                            || !param[1].strip()
                                    .replace("\"", "")
                                    .toLowerCase(Locale.ROOT)
                                    .equals("utf-8"))) {
                return false;
            }
        }
        return true;
    }

    private static Object parse(byte[] body) {
        try {
            return JSON.readValue(body, Object.class);
        } catch (JsonParseException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
                String field = path(p.getParsingContext());
                throw ApiError.duplicateKey(
                        field, "the request body holds the key '%s' twice; each key may appear once".formatted(field));
            }
            throw malformed(e);
        } catch (StreamConstraintsException e) {
            throw ApiError.malformedJson("the request body is nested deeper than %d levels".formatted(MAX_DEPTH));
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a request body from memory failed", e);
        }
    }

    private static ApiError malformed(JsonProcessingException e) {
        return ApiError.malformedJson("the request body is not valid JSON: " + shorten(e.getOriginalMessage()));
    }

    /** A parser position as a field path, e.g. {@code config.webhooks[0].url}. */
    private static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "";
        }
        String parent = path(context.getParent());
        if (context.inArray()) {
            return parent + "[" + context.getCurrentIndex() + "]";
        }
        String name = String.valueOf(context.getCurrentName());
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** Refuses control characters anywhere in the body: in keys all of them, in values all but tab and line breaks. */
    private static void requirePlainText(String at, Object value) {
        try {
            switch (value) {
                case Map<?, ?> map ->
                    map.forEach((k, v) -> {
                        String key = (String) k;
                        String field = at.isEmpty() ? key : at + "." + key;
                        Validation.singleLine(field, key);
                        requirePlainText(field, v);
                    });
                case List<?> list -> {
                    for (int i = 0; i < list.size(); i++) {
                        requirePlainText(at + "[" + i + "]", list.get(i));
                    }
                }
                case String s -> Validation.multiLine(at, s);
                case null, default -> {}
            }
        } catch (StoreException.InvalidInput e) {
            throw ApiError.badRequest(e.field(), e.getMessage());
        }
    }

    /** The body's fields as parsed: nested objects as maps, arrays as lists. */
    public Map<String, Object> fields() {
        return json.getMap();
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

    /** A JSON number (integer or decimal) that is finite. */
    public double requiredNumber(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            throw ApiError.badRequest(field, field + " is required");
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw ApiError.badRequest(field, field + " must be a number");
        }
        return n.doubleValue();
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
