package io.wagw.node.session;

import io.wagw.node.bridge.BridgeEvent;
import io.wagw.node.message.InboundMessage;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreFailures;
import io.wagw.store.StoreOutage;
import io.wagw.store.Validation;
import io.wagw.store.message.InboundRecord;
import io.wagw.store.message.Message;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's inbound messages: each is stored first (deduplicated by WhatsApp id, spooled while the
 * database is away), then handed to the handler, never twice at once; messages left unhandled are handed
 * on again a bounded number of times. Runs on the worker's mailbox.
 */
final class InboundIntake {
    private static final Logger log = LoggerFactory.getLogger(InboundIntake.class);
    /** How often a message left unhandled is handed on again before the session gives up on it. */
    static final int MAX_ANSWER_ATTEMPTS = 3;

    private final SessionWorker worker;
    private final SessionRuntime runtime;
    private final SessionStore store;
    private final LeaseGuard guard;
    /** WhatsApp ids with the handler now (until marked handled or left unhandled): never handed on twice. */
    private final Set<String> handedOver = ConcurrentHashMap.newKeySet();
    /** How often each message left unhandled was handed on again by this worker (bounded by MAX_ANSWER_ATTEMPTS). */
    private final Map<String, Integer> answerAttempts = new ConcurrentHashMap<>();
    /** Messages the page did not receive live are stored only from here on (the link); null: none yet. */
    private volatile Instant historyFloor;

    InboundIntake(SessionWorker worker, SessionRuntime runtime, SessionStore store, LeaseGuard guard) {
        this.worker = worker;
        this.runtime = runtime;
        this.store = store;
        this.guard = guard;
    }

    Instant historyFloor() {
        return historyFloor;
    }

    void historyFloor(Instant floor) {
        historyFloor = floor;
    }

    /**
     * A message the page received: stored (even by a fenced worker, for the session's owner), then handed
     * to the handler when it is a new text and the session is not stopping.
     */
    void receive(BridgeEvent.Incoming m, boolean stopping) {
        if (m.id() == null || m.from() == null) {
            return;
        }
        String name = worker.name();
        String tenant = worker.tenant();
        String chatId = m.from();
        if (!Validation.isChatId(chatId)) {
            return; // status broadcasts and other non-chat senders
        }
        Instant at = m.t() > 0 ? Instant.ofEpochSecond(m.t()) : Instant.now();
        if (m.history() && !recentSinceLink(at)) {
            return; // synced history from before the link, or too old to answer
        }
        String body =
                "chat".equals(m.msgType()) ? m.body() : "[" + (m.msgType() == null ? "unknown" : m.msgType()) + "]";
        // Persist first (deduplicated by WhatsApp id); only a new row goes further.
        boolean text = "chat".equals(m.msgType()); // only texts go to the handler; the rest is stored handled
        var record = new InboundRecord(name, chatId, m.id(), body, at, text);
        Optional<Message> stored;
        try {
            stored = runtime.inbound().record(record);
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                // the store refused this one message: failing the session would not bring it back
                log.warn(
                        "session {}: an inbound message was refused by the store and dropped: {}",
                        name,
                        StoreFailures.summary(e));
                return;
            }
            // WhatsApp counts it delivered to this device: nothing brings it back, so it waits on disk
            if (runtime.spoolInbound(tenant, record)) {
                log.warn("session {}: the database is away; an inbound message waits in the spool", name);
            }
            return;
        }
        if (stored.isEmpty() || guard.fenced()) {
            return; // a duplicate; or stored by a worker that lost the lease, for the owner to answer
        }
        if (text && !stopping) {
            handOver(
                    new InboundMessage(
                            name, tenant, chatId, m.id(), stored.get().body(), m.notifyName(), at),
                    m.pageAtMillis());
        } // a text arriving while the session stops stays unhandled, for the session's next owner
        runtime.usage().inbound(tenant);
        runtime.notifyMessage(name, stored.get());
    }

    /**
     * Whether a message the page did not receive live belongs to the assistant: written after the number was
     * linked (WhatsApp's timestamps have whole seconds) and within the window in which messages are answered.
     */
    private boolean recentSinceLink(Instant at) {
        Instant floor = historyFloor;
        return floor != null
                && !at.isBefore(floor.truncatedTo(ChronoUnit.SECONDS))
                && at.isAfter(Instant.now().minus(SessionRuntime.UNHANDLED_WINDOW));
    }

    /** Hands on a message read back from the store (written when WhatsApp says, else when stored). */
    void handOverRow(Message m) {
        Instant at = m.waTimestamp() != null ? m.waTimestamp() : m.createdAt();
        handOver(
                new InboundMessage(worker.name(), worker.tenant(), m.chatId(), m.waMessageId(), m.body(), null, at), 0);
    }

    private void handOver(InboundMessage message, long pageAtMillis) {
        if (handedOver.add(message.waMessageId())) {
            runtime.handle(worker, message, pageAtMillis)
                    .whenComplete((v, e) -> handedOver.remove(message.waMessageId()));
        }
    }

    /**
     * Hands on the messages stored but left unanswered, by this node or a previous owner: a session that
     * moved while a message came in, or a node that died before replying.
     */
    void resumeUnhandled() {
        // answered-marks still in the spool first, so that nothing answered is answered again; while the
        // spool cannot be stored, answer nothing (the node's sweep tries again)
        runtime.drainSpoolQuietly();
        if (runtime.spool().pending() > 0) {
            return;
        }
        // Taken before the query: a message handled meanwhile was marked in the store before it left this
        // set, so one the query still returns unhandled and that is not in the copy was never handed on.
        Set<String> withHandler = Set.copyOf(handedOver);
        for (Message m : store.messages().unhandledInbound(worker.name(), SessionRuntime.UNHANDLED_WINDOW)) {
            if (withHandler.contains(m.waMessageId())) {
                continue;
            }
            int attempt = answerAttempts.merge(m.waMessageId(), 1, Integer::sum);
            if (attempt > MAX_ANSWER_ATTEMPTS) {
                if (attempt == MAX_ANSWER_ATTEMPTS + 1) {
                    log.warn(
                            "session {}: message {} is still unanswered after {} attempts; leaving it",
                            worker.name(),
                            m.waMessageId(),
                            MAX_ANSWER_ATTEMPTS);
                }
                continue;
            }
            // the id names the chat (a phone number): only its own part goes to the log
            log.info(
                    "session {}: answering message …{} left unhandled",
                    worker.name(),
                    m.waMessageId().substring(m.waMessageId().lastIndexOf('_') + 1));
            handOverRow(m);
        }
    }
}
