package io.wagw.node.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.session.SessionRuntimeException;
import io.wagw.store.StoreException;
import io.wagw.store.StoreOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become a status and a JSON body {@code {error, message, field}}. */
public final class ErrorHandler implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        Throwable f = ctx.failure() == null ? null : Blocking.unwrap(ctx.failure());
        int status;
        String code;
        String message;
        String field = null;
        switch (f) {
            case ApiError e -> {
                status = e.status();
                code = e.code();
                message = e.getMessage();
                field = e.field();
            }
            case StoreException e -> {
                status = switch (e) {
                    case StoreException.NotFound ignored -> 404;
                    case StoreException.Duplicate ignored -> 409;
                    case StoreException.InvalidInput ignored -> 400;
                    case StoreException.InvalidState ignored -> 409;
                    case StoreException.StaleEpoch ignored -> 503;
                    case StoreException.SnapshotIntegrity ignored -> 422;
                    case StoreException.UnknownMasterKey ignored -> 422;
                };
                code = e.code();
                message = e.getMessage();
                field = e.field();
            }
            case SessionRuntimeException e -> {
                status = switch (e.code()) {
                    case NOT_FOUND -> 404;
                    case INVALID_INPUT -> 400;
                    case ALREADY_RUNNING, NOT_RUNNING, NOT_WORKING, NOT_SCANNING, LEASED_ELSEWHERE, TENANT_INACTIVE -> 409;
                    case CAPACITY_REACHED -> 503;
                    case QUEUE_FULL -> 429;
                    case SEND_FAILED -> 502;
                };
                code = e.code().name().toLowerCase();
                message = e.getMessage();
                field = e.field();
            }
            case null -> {
                status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
                code = switch (status) {
                    case 404 -> "not_found";
                    case 405 -> "method_not_allowed";
                    case 413 -> "body_too_large";
                    case 400 -> "invalid_request";
                    default -> "error";
                };
                message = switch (status) {
                    case 404 -> "no such route: " + ctx.request().method() + " " + ctx.request().path();
                    case 405 -> "method " + ctx.request().method() + " is not allowed on " + ctx.request().path();
                    case 413 -> "the request body is larger than " + RequestBody.MAX_BYTES + " bytes";
                    default -> "request failed";
                };
            }
            case Throwable t when StoreOutage.is(t) -> {
                // nothing was half-written: the caller may simply try again
                status = 503;
                code = "store_unavailable";
                message = "the database is not reachable at the moment; try again shortly";
                log.warn("{} {} failed: the database is not reachable ({})", ctx.request().method(), ctx.request().path(),
                        t.getMessage());
            }
            default -> {
                status = 500;
                code = "internal_error";
                message = "internal error; see the node's log";
                log.error("{} {} failed", ctx.request().method(), ctx.request().path(), f);
            }
        }
        if ((status == 503 || status == 429) && f instanceof SessionRuntimeException) {
            ctx.response().putHeader("Retry-After", "30");
        } else if ("store_unavailable".equals(code)) {
            ctx.response().putHeader("Retry-After", "5");
        }
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", code).put("message", message).put("field", field).encode());
    }
}
