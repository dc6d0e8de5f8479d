package io.wagw.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** JSON text ↔ plain maps for JSONB columns. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {};

    private Json() {}

    public static Map<String, Object> toMap(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not an object: " + e.getOriginalMessage(), e);
        }
    }

    /** Serialises a config map; values must be JSON-compatible (maps, lists, strings, numbers, booleans, null). */
    public static String fromMap(String field, Map<String, ?> map) {
        try {
            return MAPPER.writeValueAsString(map == null ? Map.of() : map);
        } catch (JsonProcessingException e) {
            throw new StoreException.InvalidInput(field, field + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static List<Map<String, Object>> toList(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not a list of objects: " + e.getOriginalMessage(), e);
        }
    }

    public static String fromList(String field, List<? extends Map<String, ?>> list) {
        try {
            return MAPPER.writeValueAsString(list == null ? List.of() : list);
        } catch (JsonProcessingException e) {
            throw new StoreException.InvalidInput(field, field + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
