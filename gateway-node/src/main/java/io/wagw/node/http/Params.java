package io.wagw.node.http;

import io.vertx.ext.web.RoutingContext;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;

/** Request parameters shared by the routes, validated with the field named. */
final class Params {
    private Params() {
    }

    /** A session name from the request, valid and visible to the caller (403 otherwise). */
    static String session(RoutingContext ctx, String field, String value) {
        try {
            Validation.sessionName(value);
        } catch (StoreException.InvalidInput e) {
            throw ApiError.badRequest(field, e.getMessage().replaceFirst("^name", field));
        }
        ApiAuth.caller(ctx).requireSession(value);
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
