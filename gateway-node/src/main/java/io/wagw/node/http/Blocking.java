package io.wagw.node.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Route handlers do blocking work (JDBC, Playwright) on virtual threads, never on the event loop; the
 * reply is written back on the request's Vert.x context.
 */
public final class Blocking {
    private static final ExecutorService VIRTUAL = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("http-", 0).factory());

    /** A handler's blocking part: returns what to send. */
    public interface Work {
        Reply run(RoutingContext ctx) throws Exception;
    }

    private Blocking() {}

    public static io.vertx.core.Handler<RoutingContext> handler(Work work) {
        return ctx -> {
            var context = ctx.vertx().getOrCreateContext();
            Future.fromCompletionStage(
                            CompletableFuture.supplyAsync(
                                    () -> {
                                        try {
                                            return work.run(ctx);
                                        } catch (RuntimeException e) {
                                            throw e;
                                        } catch (Exception e) {
                                            throw new IllegalStateException(e);
                                        }
                                    },
                                    VIRTUAL),
                            context)
                    .onSuccess(reply -> reply.send(ctx))
                    .onFailure(e -> ctx.fail(unwrap(e)));
        };
    }

    static Executor executor() {
        return VIRTUAL;
    }

    /** Runs a side task (no reply) on a virtual thread. */
    public static void run(Runnable task) {
        VIRTUAL.execute(task);
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A reply to send on the event loop. */
    public interface Reply extends Consumer<RoutingContext> {
        default void send(RoutingContext ctx) {
            accept(ctx);
        }

        static Reply json(int status, Object body) {
            return ctx -> ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(io.vertx.core.json.Json.encode(body));
        }

        static Reply bytes(int status, String contentType, byte[] body) {
            return ctx -> ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", contentType)
                    .end(io.vertx.core.buffer.Buffer.buffer(body));
        }

        static Reply empty(int status) {
            return ctx -> ctx.response().setStatusCode(status).end();
        }
    }
}
