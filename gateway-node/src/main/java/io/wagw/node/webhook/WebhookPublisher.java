package io.wagw.node.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionView;
import io.wagw.store.StoreException;
import io.wagw.store.StoreFailures;
import io.wagw.store.StoreOutage;
import io.wagw.store.message.Message;
import io.wagw.store.session.Session;
import io.wagw.store.session.Sessions;
import io.wagw.store.webhook.NewDelivery;
import io.wagw.store.webhook.WebhookOutbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happens to this node's sessions into WAHA-shaped webhook events and writes them to the
 * outbox, one row per webhook of the session subscribed to the event; the {@link WebhookDispatcher}
 * sends them. The session's webhooks, metadata and own id are read from the store and cached for a
 * couple of seconds ({@link #invalidate} drops the cache at once, e.g. after a config update).
 *
 * <p>Runs on the runtime's listener thread: one small read (when the cache is cold) and one insert per
 * subscribed webhook. If the database is unavailable the event is counted in
 * {@link WebhookMetrics#enqueueFailures} and dropped; it is logged by session and event name only, never
 * with content. Webhooks are isolated from each other: an invalid one in the stored configuration, or a
 * row the outbox refuses, is logged and skipped while the session's other webhooks get the event.
 */
public final class WebhookPublisher implements SessionListener {
    static final Duration CONFIG_TTL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(WebhookPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Target(Session session, List<WebhookConfig> webhooks, long loadedAtNanos) {}

    private final Sessions sessions;
    private final WebhookOutbox outbox;
    private final WebhookMetrics metrics;
    private final Runnable afterEnqueue;
    private final Map<String, Target> cache = new ConcurrentHashMap<>();

    /**
     * @param afterEnqueue called after rows were written, e.g. {@code dispatcher::wake} so that they go
     *                     out without waiting for the next poll
     */
    public WebhookPublisher(Sessions sessions, WebhookOutbox outbox, WebhookMetrics metrics, Runnable afterEnqueue) {
        this.sessions = sessions;
        this.outbox = outbox;
        this.metrics = metrics;
        this.afterEnqueue = afterEnqueue == null ? () -> {} : afterEnqueue;
    }

    /** Forgets the cached configuration of a session, so the next event reads it afresh. */
    public void invalidate(String session) {
        cache.remove(session);
    }

    @Override
    public void onStatus(SessionView view) {
        publish(
                view.name(),
                WebhookEvent.SESSION_STATUS,
                view.me(),
                view.pushName(),
                me -> WahaPayloads.sessionStatus(view.name(), view.status(), view.reason()));
    }

    @Override
    public void onMessage(String session, Message message) {
        if (message.direction() != Message.Direction.IN) {
            return;
        }
        publish(session, WebhookEvent.MESSAGE, null, null, me -> WahaPayloads.inboundMessage(message, me));
    }

    @Override
    public void onOutbound(String session, Message message) {
        // A send that failed before WhatsApp gave it an id has nothing a receiver could match an ack to.
        if (message.waMessageId() == null) {
            return;
        }
        publish(session, WebhookEvent.MESSAGE_ACK, null, null, me -> WahaPayloads.ack(message, me));
    }

    /** An event of the assistant about a message of this session, to the session's webhooks that subscribe to it. */
    public void onAssistantEvent(String session, WebhookEvent event, Map<String, Object> payload) {
        publish(session, event, null, null, me -> payload);
    }

    private void publish(
            String session,
            WebhookEvent event,
            String meIdNow,
            String pushNameNow,
            Function<String, Map<String, Object>> payloadForMe) {
        Target target;
        try {
            target = target(session);
        } catch (StoreException.NotFound e) {
            return;
        } catch (RuntimeException e) {
            metrics.countEnqueueFailure();
            if (routine(e)) {
                log.warn(
                        "session {}: {} webhook dropped, session not readable: {}",
                        session,
                        event.wireName(),
                        describe(e));
            } else {
                log.warn(
                        "session {}: {} webhook dropped, session not readable",
                        session,
                        event.wireName(),
                        StoreFailures.loggable(e));
            }
            return;
        }
        List<WebhookConfig> subscribed =
                target.webhooks().stream().filter(w -> w.subscribes(event)).toList();
        if (subscribed.isEmpty()) {
            return;
        }
        Session s = target.session();
        String meId = meIdNow != null ? meIdNow : s.meId();
        String pushName = meIdNow != null ? pushNameNow : s.mePushName();
        Object metadata = s.config().get("metadata");
        String body = json(WahaPayloads.envelope(
                EventIds.next("evt_"),
                System.currentTimeMillis(),
                event,
                session,
                metadata instanceof Map<?, ?> m ? castMap(m) : Map.of(),
                meId,
                pushName,
                payloadForMe.apply(meId)));
        int enqueued = 0;
        // One row per webhook and statement: a row the outbox refuses costs its own webhook the event, not the others.
        for (WebhookConfig w : subscribed) {
            var row = new NewDelivery(
                    w.url(),
                    event.wireName(),
                    EventIds.next("req_"),
                    body,
                    w.hmacKey(),
                    w.customHeaders(),
                    w.retries().plan());
            try {
                outbox.enqueue(session, List.of(row));
                enqueued++;
            } catch (StoreException.NotFound e) {
                break;
            } catch (RuntimeException e) {
                metrics.countEnqueueFailure();
                if (StoreOutage.is(e)) {
                    log.warn(
                            "session {}: {} webhook dropped, outbox not writable: {}",
                            session,
                            event.wireName(),
                            describe(e));
                    break;
                }
                if (e instanceof StoreException) {
                    log.warn(
                            "session {}: {} webhook to {} dropped, the outbox refused it: {}",
                            session,
                            event.wireName(),
                            WebhookDispatcher.host(w.url()),
                            describe(e));
                } else {
                    log.warn(
                            "session {}: {} webhook to {} dropped, the outbox refused it",
                            session,
                            event.wireName(),
                            WebhookDispatcher.host(w.url()),
                            StoreFailures.loggable(e));
                }
            }
        }
        if (enqueued > 0) {
            metrics.countEnqueued(enqueued);
            afterEnqueue.run();
        }
    }

    private Target target(String session) {
        Target cached = cache.get(session);
        if (cached != null && System.nanoTime() - cached.loadedAtNanos() < CONFIG_TTL.toNanos()) {
            return cached;
        }
        Session s = sessions.get(session);
        List<WebhookConfig> webhooks = WebhookConfig.fromSessionConfig(
                s.config(),
                invalid -> log.warn("session {}: webhook ignored, {} is invalid", session, invalid.field()));
        Target fresh = new Target(s, webhooks, System.nanoTime());
        cache.put(session, fresh);
        return fresh;
    }

    private static String json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook body is not serialisable", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /**
     * Whether a failure of the store is routine on the webhook paths: the database is away, or the store
     * refused a value ({@link StoreException}). Such a failure is logged in one line ({@link #describe}); any
     * other one is unexpected and logged with its stack trace ({@link StoreFailures#loggable}).
     */
    static boolean routine(Throwable e) {
        return e instanceof StoreException || StoreOutage.is(e);
    }

    // Driver and Jdbi messages can quote bound values (the body, i.e. message text), so only our own
    // store errors are logged with their message.
    static String describe(Throwable e) {
        return e instanceof StoreException se ? se.getMessage() : e.getClass().getSimpleName();
    }
}
