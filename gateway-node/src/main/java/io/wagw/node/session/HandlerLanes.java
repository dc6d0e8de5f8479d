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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message handler's lanes: one per session (a virtual thread), so that a session's messages are
 * handled in order and a slow handler holds up only its own session. Once the handler returned and its
 * replies went out, the message is marked handled; a message whose replies could not go out (the session
 * stopped or moved meanwhile) stays unhandled for the next owner.
 */
final class HandlerLanes {
    private static final Logger log = LoggerFactory.getLogger(HandlerLanes.class);
    /** How long a message's replies may take to go out before the message is left unhandled. */
    private static final Duration REPLY_WAIT = Duration.ofSeconds(60);

    private final MessageHandler handler;
    private final SessionStore store;
    private final InboundSpool spool;
    private final RuntimeMetrics metrics;
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();

    HandlerLanes(MessageHandler handler, SessionStore store, InboundSpool spool, RuntimeMetrics metrics) {
        this.handler = handler;
        this.store = store;
        this.spool = spool;
        this.metrics = metrics;
    }

    /**
     * Hands an inbound message to the handler on the session's own lane (ordered, may block).
     *
     * @return completes once the message is marked handled or left unhandled
     */
    CompletableFuture<Void> handle(SessionWorker worker, InboundMessage message, long pageAtMillis) {
        var done = new CompletableFuture<Void>();
        var lane = lanes.computeIfAbsent(
                worker.name(),
                n -> Executors.newSingleThreadExecutor(
                        Thread.ofVirtual().name("handler-" + n).factory()));
        Runnable task = () -> {
            if (pageAtMillis > 0) {
                metrics.recordInboundLag(System.currentTimeMillis() - pageAtMillis);
            }
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            try {
                handler.onMessage(
                        message,
                        worker.sessionConfig(),
                        (chatId, text) -> replies.add(worker.outbound.enqueue(chatId, text)));
            } catch (RuntimeException e) {
                log.error("session {}: message handler failed", message.session(), e);
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
        try {
            lane.execute(task);
        } catch (RejectedExecutionException e) {
            done.complete(null); // the session is leaving this node: the message stays unhandled
        }
        return done;
    }

    /** Waits (bounded) until the session's handler finished the messages it was given. */
    void awaitIdle(String session, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        var lane = lanes.get(session);
        if (lane != null && !lane.isShutdown()) {
            lane.submit(() -> {}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The session left this node: its lane takes no more messages. */
    void release(String session) {
        Optional.ofNullable(lanes.remove(session)).ifPresent(ExecutorService::shutdown);
    }

    /** Stops every lane, letting each finish what it runs (bounded). */
    void close() {
        lanes.values().forEach(ExecutorService::shutdown);
        for (ExecutorService lane : lanes.values()) {
            try {
                lane.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
