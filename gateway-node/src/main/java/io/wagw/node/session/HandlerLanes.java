package io.wagw.node.session;

import io.wagw.node.message.InboundMessage;
import io.wagw.node.message.MessageHandler;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreOutage;
import io.wagw.store.message.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message handler's lanes: one per chat, so that a customer's messages are handled in order while the
 * customers of one business do not wait behind each other's slow answers; at most {@link #MAX_RUNNING}
 * handler calls run at once on a node. Once the handler returned and its replies went out, the message is
 * marked handled; a message whose replies could not go out (the session stopped or moved meanwhile) stays
 * unhandled for the next owner.
 */
final class HandlerLanes {
    private static final Logger log = LoggerFactory.getLogger(HandlerLanes.class);
    /** How long a message's replies may take to go out before the message is left unhandled. */
    private static final Duration REPLY_WAIT = Duration.ofSeconds(60);
    /** Handler calls running at once on a node (model calls block for seconds). */
    static final int MAX_RUNNING = 64;

    private record Lane(String session, CompletableFuture<Void> tail) {}

    private final MessageHandler handler;
    private final SessionStore store;
    private final InboundSpool spool;
    private final RuntimeMetrics metrics;
    /** The last task of each chat's lane, by session and chat; a lane leaves the map once it is idle. */
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    private final Semaphore running = new Semaphore(MAX_RUNNING);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("handler-", 0).factory());
    private volatile boolean closed;

    HandlerLanes(MessageHandler handler, SessionStore store, InboundSpool spool, RuntimeMetrics metrics) {
        this.handler = handler;
        this.store = store;
        this.spool = spool;
        this.metrics = metrics;
    }

    /** Messages waiting for or in a handler call on this node. */
    int depth() {
        return MAX_RUNNING - running.availablePermits() + running.getQueueLength();
    }

    /**
     * Hands an inbound message to the handler on its chat's lane (ordered per chat, may block).
     *
     * @return completes once the message is marked handled or left unhandled
     */
    CompletableFuture<Void> handle(SessionWorker worker, InboundMessage message, long pageAtMillis) {
        var done = new CompletableFuture<Void>();
        if (closed) {
            done.complete(null); // the node is stopping: the message stays unhandled
            return done;
        }
        String key = message.session() + "\n" + message.chatId();
        Runnable task = () -> {
            try {
                running.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.complete(null);
                return;
            }
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            try {
                if (pageAtMillis > 0) {
                    metrics.recordInboundLag(System.currentTimeMillis() - pageAtMillis);
                }
                // a message handed on again whose reply went out (its node died before marking it handled) is
                // only marked handled below, not answered twice
                boolean answered =
                        pageAtMillis <= 0 && store.messages().answered(message.session(), message.waMessageId());
                if (!answered) {
                    handler.onMessage(
                            message,
                            worker.sessionConfig(),
                            (chatId, text) ->
                                    replies.add(worker.outbound.enqueue(chatId, text, message.waMessageId())));
                }
            } catch (RuntimeException e) {
                if (StoreOutage.is(e)) {
                    // the database is away: the message stays unhandled and is answered once it is back
                    log.warn(
                            "session {}: message handler could not reach the database; the message stays unhandled",
                            message.session());
                    replies.add(CompletableFuture.failedFuture(e));
                } else {
                    log.error("session {}: message handler failed", message.session(), e);
                }
            } finally {
                running.release();
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                    .orTimeout(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .whenCompleteAsync(
                            (v, e) -> {
                                try {
                                    settleHandled(message, e);
                                } finally {
                                    done.complete(null);
                                }
                            },
                            r -> Thread.ofVirtual().start(r));
        };
        Lane lane = lanes.compute(key, (k, prev) -> {
            CompletableFuture<Void> after = prev == null ? CompletableFuture.completedFuture(null) : prev.tail();
            return new Lane(
                    message.session(),
                    after.handleAsync(
                            (v, e) -> {
                                task.run();
                                return null;
                            },
                            threads));
        });
        lane.tail().whenComplete((v, e) -> lanes.remove(key, lane));
        return done;
    }

    /** Waits (bounded) until the session's handler calls given so far returned. */
    void awaitIdle(String session, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        var tails = lanes.values().stream()
                .filter(l -> l.session().equals(session))
                .map(Lane::tail)
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(tails).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes no more messages and lets the calls that run finish (bounded). */
    void close() {
        closed = true;
        try {
            CompletableFuture.allOf(lanes.values().stream().map(Lane::tail).toArray(CompletableFuture[]::new))
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("message handlers still running at stop: their messages stay unhandled");
        }
        threads.shutdown();
    }

    /**
     * Marks a message handled once its replies went out, or leaves it unhandled to be answered again. A mark
     * the database cannot take now is spooled: the replies went out, and must not go out twice.
     */
    private void settleHandled(InboundMessage message, Throwable e) {
        if (e != null) {
            Throwable cause = SessionRuntime.causeOf(e);
            log.warn(
                    "session {}: reply not sent, the message stays unhandled: {}",
                    message.session(),
                    cause instanceof TimeoutException
                            ? "no answer within " + REPLY_WAIT.toSeconds() + " s"
                            : cause.getMessage());
            return;
        }
        try {
            store.messages().markHandled(message.session(), message.waMessageId());
        } catch (RuntimeException markFailed) {
            if (!StoreOutage.is(markFailed)) {
                log.warn("session {}: could not mark a message handled", message.session(), markFailed);
                return;
            }
            try {
                spool.append(new InboundSpool.Handled(message.session(), message.waMessageId()));
                log.info(
                        "session {}: the database is away; the answered message is marked in the spool",
                        message.session());
            } catch (RuntimeException spoolFailed) {
                log.error(
                        "session {}: an answered message could be answered again: neither the database nor the spool "
                                + "took its mark",
                        message.session(),
                        spoolFailed);
            }
        }
    }
}
