package io.wagw.sim.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wagw.sim.core.ApiError;
import java.util.ArrayList;
import java.util.List;

/** A request body read as a JSON object, with typed accessors that name the field at fault. */
final class JsonBody {
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** Parses {@code text}; 400 {@code malformed_json} unless it is a JSON object. */
    static JsonBody parse(ObjectMapper mapper, String text) {
        if (text == null || text.isBlank())
            throw new ApiError(400, "malformed_json", "the request needs a JSON object body");
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed_json", "body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) throw new ApiError(400, "malformed_json", "body must be a JSON object");
        return new JsonBody(node);
    }

    boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    String string(String field) {
        String v = optString(field);
        if (v == null) throw ApiError.badField(field, field + " is required");
        return v;
    }

    String optString(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw ApiError.badField(field, field + " must be a string");
        return n.textValue();
    }

    Boolean optBoolean(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw ApiError.badField(field, field + " must be true or false");
        return n.booleanValue();
    }

    Long optLong(String field, long min, long max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw ApiError.badField(field, field + " must be a whole number from " + min + " to " + max);
        }
        return n.longValue();
    }

    List<String> optStrings(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw ApiError.badField(field, field + " must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) throw ApiError.badField(field, field + " must be an array of strings");
            out.add(e.textValue());
        }
        return out;
    }

    List<JsonBody> objects(String field, int maxItems) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) throw ApiError.badField(field, field + " is required");
        if (!n.isArray()) throw ApiError.badField(field, field + " must be an array of objects");
        if (n.size() > maxItems) throw ApiError.badField(field, field + " has at most " + maxItems + " items");
        List<JsonBody> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isObject()) throw ApiError.badField(field, field + " must be an array of objects");
            out.add(new JsonBody(e));
        }
        return out;
    }
}
