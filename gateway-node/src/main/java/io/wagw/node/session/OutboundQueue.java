package io.wagw.node.session;

import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.StoreOutage;
import io.wagw.store.Validation;
import io.wagw.store.message.Message;
import io.wagw.store.message.MessageStatus;
import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's outbound messages, sent one at a time in the order they were queued (so order is kept
 * per chat): each is recorded {@code pending} (fenced), then the typing indicator shows for a pause
 * that grows with the text, the rate limit is respected, the page sends it, and the record is
 * updated with WhatsApp's id or the failure. Acks arrive later through the bridge.
 */
final class OutboundQueue {
    private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);

    /** @param inReplyTo the inbound message this answers, or null for a send through the API */
    record Job(String chatId, String text, String inReplyTo, CompletableFuture<Message> result) {}

    /** A send handed to the page: the pending message row and who waits for it. */
    record PendingSend(Message pending, CompletableFuture<Message> result) {
        long messageId() {
            return pending.id();
        }
    }

    /**
     * Messages a session may have waiting: at the default pace (20 a minute) this is two and a half minutes
     * of sending. A caller whose send timed out leaves its message queued, so without a bound a client that
     * retries could queue without end.
     */
    static final int MAX_QUEUED = 50;

    /** Queued by {@link #close()}: ends the sending thread. */
    private static final Job CLOSED = new Job("", "", null, new CompletableFuture<>());

    private final SessionWorker worker;
    private final SessionRuntime runtime;
    private final SessionStore store;
    private final RuntimeConfig.OutboundPolicy policy;
    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final RateLimit rateLimit;
    private final Object wakeup = new Object();
    private volatile boolean closed;
    private volatile boolean sending;
    /** Sends handed to the page and not answered yet, by request id; settled on the worker's mailbox. */
    private final Map<String, PendingSend> pendingSends = new ConcurrentHashMap<>();

    OutboundQueue(
            SessionWorker worker, SessionRuntime runtime, SessionStore store, RuntimeConfig.OutboundPolicy policy) {
        this.worker = worker;
        this.runtime = runtime;
        this.store = store;
        this.policy = policy;
        this.rateLimit = new RateLimit(policy.perMinute(), policy.burst(), System.nanoTime());
    }

    /** Starts the sending thread. */
    void start() {
        Thread.ofVirtual().name("outbound-" + worker.name()).start(this::run);
    }

    /** Queues a text; the future completes with the stored message once WhatsApp accepted it. */
    CompletableFuture<Message> enqueue(String chatId, String text) {
        return enqueue(chatId, text, null);
    }

    /** Queues a reply to an inbound message (its WhatsApp id), recorded with that link. */
    CompletableFuture<Message> enqueue(String chatId, String text, String inReplyTo) {
        Validation.chatId(chatId);
        Validation.text("text", text);
        var job = new Job(chatId, text, inReplyTo, new CompletableFuture<>());
        if (closed) {
            job.result().completeExceptionally(SessionRuntimeException.sessionNotRunning(worker.name()));
            return job.result();
        }
        synchronized (jobs) {
            if (jobs.size() >= MAX_QUEUED) {
                // a failed future, not a throw: an assistant's reply that does not fit leaves its message
                // unhandled, to be answered again later
                job.result().completeExceptionally(SessionRuntimeException.queueFull(worker.name(), MAX_QUEUED));
                return job.result();
            }
            jobs.add(job);
        }
        return job.result();
    }

    /** Waits (bounded) until every queued message was sent or failed; before a graceful stop. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((!jobs.isEmpty() || sending) && !closed) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    int queued() {
        return jobs.size();
    }

    void wake() {
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    void close() {
        closed = true;
        Job j;
        while ((j = jobs.poll()) != null) {
            if (j != CLOSED) {
                j.result().completeExceptionally(SessionRuntimeException.stoppedBeforeSent(worker.name()));
            }
        }
        jobs.add(CLOSED);
        wake();
    }

    private void run() {
        while (!closed) {
            Job job;
            try {
                job = jobs.take(); // no periodic wake-up: close() queues CLOSED
            } catch (InterruptedException e) {
                return;
            }
            if (job == CLOSED) {
                return;
            }
            sending = true;
            try {
                job.result().complete(send(job));
            } catch (Throwable t) {
                job.result().completeExceptionally(t);
            } finally {
                sending = false;
            }
        }
    }

    private Message record(Job job) {
        return store.messages().recordOutbound(worker.lease(), job.chatId(), job.text(), job.inReplyTo());
    }

    private Message send(Job job) throws InterruptedException {
        awaitWorking();
        long wait;
        while ((wait = rateLimit.waitNanos(System.nanoTime())) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        rateLimit.take(System.nanoTime());

        var host = worker.host();
        var page = worker.page();
        if (host == null || page == null || worker.status() != SessionStatus.WORKING) {
            return fail(record(job), "the session stopped working before the message was sent");
        }
        long pauseMs = Math.min(
                policy.maxPause().toMillis(),
                policy.minPause().toMillis()
                        + policy.pausePerChar().toMillis() * job.text().length());
        try {
            host.call(b -> WhatsAppBridge.typing(page, job.chatId(), true), Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.debug("session {}: typing indicator failed: {}", worker.name(), e.getMessage());
        }
        Thread.sleep(pauseMs);
        // recorded as it is handed to the page (not before the typing pause): a pending row means "handed to
        // WhatsApp", which is what a message handed on again after a crash is checked against
        Message pending = record(job);
        if (worker.page() != page || worker.status() != SessionStatus.WORKING) {
            return fail(pending, "the session stopped working before the message was sent");
        }

        String reqId = UUID.randomUUID().toString();
        var pendingSend = new PendingSend(pending, new CompletableFuture<>());
        pendingSends.put(reqId, pendingSend);
        try {
            host.call(
                    b -> {
                        WhatsAppBridge.sendText(page, reqId, job.chatId(), job.text());
                        return null;
                    },
                    Duration.ofSeconds(10));
            return pendingSend.result().get(policy.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            if (pendingSends.remove(reqId) == null) {
                return settled(pendingSend); // the mailbox settled it meanwhile
            }
            return fail(pending, "sending failed: " + e.getMessage());
        } finally {
            try {
                host.submit(b -> WhatsAppBridge.typing(page, job.chatId(), false));
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
    }

    private static Message settled(PendingSend p) {
        try {
            return p.result().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw SessionRuntimeException.sendOutcomeUnknown(e.getMessage());
        }
    }

    private Message fail(Message pending, String why) {
        Message failed;
        try {
            failed = store.messages().markFailed(worker.lease(), pending.id(), why);
        } catch (StoreException e) {
            failed = pending;
        }
        runtime.notifyOutbound(worker.name(), failed);
        throw SessionRuntimeException.notSent(why);
    }

    // ---- the page's answers, on the worker's mailbox ----------------------------------------------------

    /**
     * The page sent request {@code reqId} as WhatsApp message {@code waId}. Recorded on the mailbox, so that
     * the message's acks (which follow in the mailbox) find its id.
     */
    void sent(String reqId, String waId) {
        PendingSend p = pendingSends.remove(reqId);
        if (p == null) {
            return;
        }
        String name = worker.name();
        Message sent;
        try {
            sent = store.messages().markSent(worker.lease(), p.messageId(), waId, 0, Instant.now());
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                throw e;
            }
            // it went out: say so to whoever waits (a reply must not be sent again); its row stays pending
            log.warn("session {}: message {} was sent but the database is away; its record stays pending", name, waId);
            Message row = p.pending();
            Instant now = Instant.now();
            sent = new Message(
                    row.id(),
                    name,
                    row.chatId(),
                    Message.Direction.OUT,
                    waId,
                    row.body(),
                    MessageStatus.SENT,
                    0,
                    row.epoch(),
                    null,
                    now,
                    row.createdAt(),
                    now);
            p.result().complete(sent);
            return;
        }
        runtime.usage().outbound(worker.tenant());
        runtime.notifyOutbound(name, sent);
        p.result().complete(sent);
    }

    /** The page reports that WhatsApp Web refused request {@code reqId}. */
    void refused(String reqId, String error) {
        PendingSend p = pendingSends.remove(reqId);
        if (p == null) {
            return;
        }
        Message failed =
                store.messages().markFailed(worker.lease(), p.messageId(), "WhatsApp Web refused the send: " + error);
        runtime.notifyOutbound(worker.name(), failed);
        p.result().completeExceptionally(SessionRuntimeException.refusedByWhatsApp(error));
    }

    /** Fails every send handed to the page and not answered yet (the page closed or the session stops). */
    void failPending(String why) {
        pendingSends.values().forEach(p -> p.result().completeExceptionally(SessionRuntimeException.notSent(why)));
        pendingSends.clear();
    }

    /** Waits (bounded) while the session restarts; sends need a working page. */
    private void awaitWorking() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (worker.status() != SessionStatus.WORKING) {
            if (closed || System.nanoTime() > deadline) {
                throw SessionRuntimeException.notWorking(worker.name(), worker.status());
            }
            synchronized (wakeup) {
                wakeup.wait(500);
            }
        }
    }
}
