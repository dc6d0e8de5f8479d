package io.wagw.node.webhook;

import io.wagw.store.StoreFailures;
import io.wagw.store.webhook.DeliveryStatus;
import io.wagw.store.webhook.WebhookDelivery;
import io.wagw.store.webhook.WebhookOutbox;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's share of the webhook outbox. A loop on a virtual thread claims due rows for the
 * node, POSTs each on its own virtual thread (at most {@code concurrency} at once) through a
 * {@link WebhookSender} and records the outcome: delivered on 2xx; retried later on 408, 429, 5xx,
 * timeouts and connection errors, following the row's retry plan; dead on any other answer, on a
 * destination the node refuses, or after the last attempt.
 *
 * <p>What a row shows its session's callers is an HTTP status, {@value #REFUSED} or
 * {@value #CONNECTION_FAILED}: the same text whether a port is closed, filtered or speaks something
 * else than HTTP, so that deliveries cannot map a network. The details go to this node's log.
 *
 * <p>Delivery is at least once: if this node dies mid-request, its claims lapse after
 * {@code claimLease} and another node (or this one after a restart) sends the rows again.
 */
public final class WebhookDispatcher implements AutoCloseable {
    /** The error of a delivery whose destination this node refuses (see {@link DestinationPolicy}); not retried. */
    public static final String REFUSED = "refused: destination not allowed";
    /** The error of an attempt without an HTTP answer: no such host, no connection, TLS failed, time ran out. */
    public static final String CONNECTION_FAILED = "connection failed";

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    private static final Duration MAX_ERROR_BACKOFF = Duration.ofSeconds(10);

    /**
     * How the dispatcher paces itself.
     *
     * @param pollInterval   how long to wait for new rows when nothing was due (a {@link #wake} cuts it short)
     * @param batchSize      most rows claimed at once
     * @param concurrency    most requests in flight at once
     * @param claimLease     how long a claim lasts; longer than {@code requestTimeout}, since a row whose
     *                       claim lapses mid-request is sent again by someone else
     * @param requestTimeout limit of one attempt, connection included
     * @param maxBackoff     cap of the wait between attempts
     * @param shutdownGrace  how long {@link #close} lets requests in flight finish; the rest are abandoned
     *                       unmarked and retried once their claims lapse
     * @param retention      how long delivered rows are kept before they are purged (dead rows are kept)
     */
    public record Settings(
            Duration pollInterval,
            int batchSize,
            int concurrency,
            Duration claimLease,
            Duration requestTimeout,
            Duration maxBackoff,
            Duration shutdownGrace,
            Duration retention) {

        public Settings {
            require(pollInterval != null && pollInterval.toMillis() >= 10, "pollInterval must be at least 10 ms");
            require(
                    batchSize >= 1 && batchSize <= WebhookOutbox.MAX_CLAIM,
                    "batchSize must be between 1 and " + WebhookOutbox.MAX_CLAIM);
            require(concurrency >= 1 && concurrency <= 1000, "concurrency must be between 1 and 1000");
            require(requestTimeout != null && requestTimeout.toMillis() >= 10, "requestTimeout must be at least 10 ms");
            require(
                    claimLease != null && claimLease.compareTo(requestTimeout) > 0,
                    "claimLease must be longer than requestTimeout");
            require(maxBackoff != null && maxBackoff.toMillis() >= 1, "maxBackoff must be positive");
            require(shutdownGrace != null && !shutdownGrace.isNegative(), "shutdownGrace must not be negative");
            require(retention != null && !retention.isNegative(), "retention must not be negative");
        }

        /** Production pacing: 0.5 s polls, 32 rows a claim, 16 in flight, 60 s claims, 10 s requests, 300 s cap. */
        public static Settings defaults() {
            return new Settings(
                    Duration.ofMillis(500),
                    32,
                    16,
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(300),
                    Duration.ofSeconds(5),
                    Duration.ofDays(7));
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    private final WebhookOutbox outbox;
    private final String nodeId;
    private final Settings settings;
    private final WebhookMetrics metrics;
    private final WebhookSender sender;
    private final ExecutorService requests = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("webhook-delivery-", 0).factory());
    private final Semaphore slots;
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean abandoning;
    private volatile Thread loop;
    private long lastPurgeNanos;

    /**
     * @param sender sends the requests, with the same timeout as {@code settings.requestTimeout()}; closed
     *               with this dispatcher
     */
    public WebhookDispatcher(
            WebhookOutbox outbox, String nodeId, Settings settings, WebhookMetrics metrics, WebhookSender sender) {
        this.outbox = outbox;
        this.nodeId = nodeId;
        this.settings = settings;
        this.metrics = metrics;
        this.sender = sender;
        this.slots = new Semaphore(settings.concurrency());
    }

    /** Starts the loop; returns this. */
    public WebhookDispatcher start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        running.set(true);
        lastPurgeNanos = System.nanoTime() - PURGE_EVERY.toNanos();
        loop = Thread.ofVirtual().name("webhook-dispatcher-" + nodeId).start(this::run);
        return this;
    }

    /** Looks for due rows now instead of at the next poll (call after enqueuing). */
    public void wake() {
        wakeups.release();
    }

    public WebhookMetrics metrics() {
        return metrics;
    }

    /**
     * Stops claiming, lets requests in flight finish for up to {@code shutdownGrace}, then abandons the
     * rest without marking them: their claims lapse and they are sent again (by another node or after a
     * restart).
     */
    @Override
    public void close() {
        if (!running.getAndSet(false)) {
            requests.shutdownNow();
            sender.close();
            return;
        }
        wake();
        Thread t = loop;
        try {
            if (t != null && !t.join(settings.requestTimeout().plusSeconds(1))) {
                t.interrupt();
                t.join(Duration.ofSeconds(1));
            }
            requests.shutdown();
            if (!requests.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                abandoning = true;
                requests.shutdownNow();
                requests.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoning = true;
            requests.shutdownNow();
        } finally {
            sender.close();
        }
    }

    private void run() {
        int consecutiveErrors = 0;
        while (running.get()) {
            try {
                purgeIfDue();
                int wanted = Math.min(slots.availablePermits(), settings.batchSize());
                List<WebhookDelivery> claimed =
                        wanted == 0 ? List.of() : outbox.claimDue(nodeId, wanted, settings.claimLease());
                consecutiveErrors = 0;
                for (WebhookDelivery row : claimed) {
                    submit(row);
                }
                if (wanted == 0 || claimed.size() < wanted) {
                    awaitWake(settings.pollInterval());
                }
            } catch (RuntimeException e) {
                consecutiveErrors++;
                Duration pause = settings.pollInterval().multipliedBy(1L << Math.min(consecutiveErrors, 6));
                long pauseMs = Math.min(pause.toMillis(), MAX_ERROR_BACKOFF.toMillis());
                if (WebhookPublisher.routine(e)) {
                    log.warn(
                            "webhook dispatcher {}: cannot claim deliveries ({}); trying again in {} ms",
                            nodeId,
                            WebhookPublisher.describe(e),
                            pauseMs);
                } else {
                    log.warn(
                            "webhook dispatcher {}: cannot claim deliveries; trying again in {} ms",
                            nodeId,
                            pauseMs,
                            StoreFailures.loggable(e));
                }
                awaitWake(pause.compareTo(MAX_ERROR_BACKOFF) > 0 ? MAX_ERROR_BACKOFF : pause);
            }
        }
    }

    private void submit(WebhookDelivery row) {
        slots.acquireUninterruptibly();
        metrics.inFlightCounter().incrementAndGet();
        try {
            requests.execute(() -> {
                try {
                    deliver(row);
                } finally {
                    metrics.inFlightCounter().decrementAndGet();
                    slots.release();
                    wake();
                }
            });
        } catch (RejectedExecutionException e) {
            // Closing: the row keeps its claim and is sent again once the claim lapses.
            metrics.inFlightCounter().decrementAndGet();
            slots.release();
        }
    }

    private void awaitWake(Duration timeout) {
        try {
            if (wakeups.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                wakeups.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    private void purgeIfDue() {
        if (System.nanoTime() - lastPurgeNanos < PURGE_EVERY.toNanos()) {
            return;
        }
        lastPurgeNanos = System.nanoTime();
        int purged = outbox.purgeDelivered(settings.retention());
        if (purged > 0) {
            log.info(
                    "webhook dispatcher {}: purged {} delivered rows older than {}",
                    nodeId,
                    purged,
                    settings.retention());
        }
    }

    private void deliver(WebhookDelivery row) {
        WebhookSender.Outcome outcome;
        try {
            outcome = sender.send(row);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        switch (outcome) {
            case WebhookSender.Outcome.Answered a
            when a.status() >= 200 && a.status() <= 299 -> recordDelivered(row, a.status());
            case WebhookSender.Outcome.Answered a ->
                record(
                        row,
                        a.status(),
                        "HTTP " + a.status(),
                        "HTTP " + a.status(),
                        RetryPolicy.shouldRetry(a.status()),
                        a.retryAfter());
            case WebhookSender.Outcome.Refused r -> record(row, null, REFUSED, r.detail(), false, null);
            case WebhookSender.Outcome.NoAnswer n -> record(row, null, CONNECTION_FAILED, n.detail(), true, null);
            case WebhookSender.Outcome.Unsendable u ->
                record(row, null, "request cannot be built", "request cannot be built: " + u.detail(), false, null);
        }
    }

    private void recordDelivered(WebhookDelivery row, int status) {
        if (abandoning) {
            return;
        }
        try {
            if (outbox.markDelivered(row, status).isPresent()) {
                metrics.countDelivered();
                log.debug(
                        "session {}: webhook {} delivered to {} (attempt {})",
                        row.session(),
                        row.event(),
                        host(row.url()),
                        row.attempts());
            } else {
                metrics.countClaimLost();
            }
        } catch (RuntimeException e) {
            if (WebhookPublisher.routine(e)) {
                log.warn(
                        "session {}: webhook {} delivered but not recorded ({}); it will be sent again",
                        row.session(),
                        row.event(),
                        WebhookPublisher.describe(e));
            } else {
                log.warn(
                        "session {}: webhook {} delivered but not recorded; it will be sent again",
                        row.session(),
                        row.event(),
                        StoreFailures.loggable(e));
            }
        }
    }

    /**
     * @param error  what the row shows the session's callers
     * @param detail what this node's log shows
     */
    private void record(
            WebhookDelivery row, Integer status, String error, String detail, boolean retry, Duration retryAfter) {
        if (abandoning) {
            return;
        }
        Duration wait = null;
        if (retry && !row.lastAttempt()) {
            wait = RetryPolicy.of(row.retry(), settings.maxBackoff())
                    .delayAfter(row.attempts(), ThreadLocalRandom.current().nextDouble());
            if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
                wait = retryAfter;
            }
        }
        try {
            var after = outbox.markFailed(row, status, error, wait);
            if (after.isEmpty()) {
                metrics.countClaimLost();
            } else if (after.get().status() == DeliveryStatus.DEAD) {
                metrics.countDead();
                log.warn(
                        "session {}: webhook {} #{} to {} is dead after {} attempt(s): {}",
                        row.session(),
                        row.event(),
                        row.id(),
                        host(row.url()),
                        row.attempts(),
                        detail);
            } else {
                metrics.countRetried();
                log.debug(
                        "session {}: webhook {} #{} to {} failed ({}), retry in {} ms",
                        row.session(),
                        row.event(),
                        row.id(),
                        host(row.url()),
                        detail,
                        wait.toMillis());
            }
        } catch (RuntimeException e) {
            if (WebhookPublisher.routine(e)) {
                log.warn(
                        "session {}: webhook {} #{} outcome not recorded ({}); it will be retried when its claim lapses",
                        row.session(),
                        row.event(),
                        row.id(),
                        WebhookPublisher.describe(e));
            } else {
                log.warn(
                        "session {}: webhook {} #{} outcome not recorded; it will be retried when its claim lapses",
                        row.session(),
                        row.event(),
                        row.id(),
                        StoreFailures.loggable(e));
            }
        }
    }

    static String host(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(invalid url)";
        }
    }
}
