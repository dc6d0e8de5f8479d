package io.wagw.node.http;

import io.vertx.ext.web.RoutingContext;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Request parameters shared by the routes, validated with the field named. */
final class Params {
    private Params() {}

    /**
     * Refuses a request whose path or query string cannot be decoded (400 naming {@code path} or {@code query})
     * before a route decodes its parameters: each is decoded once, by the router.
     */
    static void decodable(RoutingContext ctx) {
        String problem = undecodable(ctx.request().path());
        if (problem != null) {
            ctx.fail(ApiError.badRequest("path", "the path " + problem));
            return;
        }
        problem =
                ctx.request().query() == null ? null : undecodable(ctx.request().query());
        if (problem != null) {
            ctx.fail(ApiError.badRequest("query", "the query string " + problem));
            return;
        }
        ctx.next();
    }

    /**
     * What keeps a percent-encoded text from being decoded: a '%' without two hex digits after it, or escapes
     * that do not spell UTF-8; null when it decodes.
     */
    static String undecodable(String encoded) {
        var bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
            if (lo < 0) {
                return "has a malformed percent escape at index %d: '%%' must be followed by two hex digits"
                        .formatted(i);
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return null;
        } catch (CharacterCodingException e) {
            return "has percent escapes that are not UTF-8";
        }
    }

    /** A session name from the request, valid and visible to the caller (403 otherwise). */
    static String session(RoutingContext ctx, SessionStore store, String field, String value) {
        try {
            Validation.sessionName(value);
        } catch (StoreException.InvalidInput e) {
            throw ApiError.badRequest(field, e.getMessage().replaceFirst("^name", field));
        }
        ApiAuth.requireSession(ctx, store, value);
        return value;
    }

    /** An optional integer query parameter within [1, max]. */
    static int limit(RoutingContext ctx, int fallback, int max) {
        String raw = ctx.request().getParam("limit");
        if (raw == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.badRequest("limit", "limit must be an integer from 1 to " + max);
    }
}
