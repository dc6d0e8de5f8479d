package io.wagw.node.session;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.PlaywrightException;
import io.wagw.node.browser.BrowserHost;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.StoreOutage;
import io.wagw.store.lease.SessionLease;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's auth snapshots (the page's storage state): saved only when it changed since the last save,
 * fenced by the lease. The periodic one is captured on the browser thread and written off the mailbox;
 * every other save first waits for it, so that no older state lands after a newer one.
 */
final class SnapshotKeeper {
    private static final Logger log = LoggerFactory.getLogger(SnapshotKeeper.class);
    private static final BrowserContext.StorageStateOptions STATE_WITH_INDEXED_DB =
            new BrowserContext.StorageStateOptions().setIndexedDB(true);

    private final String name;
    private final SessionStore store;
    private final RuntimeMetrics metrics;
    private final LeaseGuard guard;
    private final Duration browserCall;
    private final Consumer<String> staleLease;
    /** Hash of the newest saved state; also written by the background saver, after its save. */
    private volatile byte[] lastHash;

    private long lastSaveNanos;
    /** The periodic snapshot under way, if any. */
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    /** @param staleLease hears (on the saver's thread) that the store refused a save: the lease is gone */
    SnapshotKeeper(
            String name,
            SessionStore store,
            RuntimeMetrics metrics,
            LeaseGuard guard,
            Duration browserCall,
            Consumer<String> staleLease) {
        this.name = name;
        this.store = store;
        this.metrics = metrics;
        this.guard = guard;
        this.browserCall = browserCall;
        this.staleLease = staleLease;
    }

    /** The boot restores this state: it counts as saved, and the next periodic save is one interval away. */
    void restored(byte[] state) {
        lastHash = sha256(state);
        lastSaveNanos = System.nanoTime();
    }

    /** Whether a state is known to be saved (restored or saved by this worker, not discarded since). */
    boolean holdsSaved() {
        return lastHash != null;
    }

    /** The stored snapshot was discarded. */
    void forget() {
        lastHash = null;
    }

    /** Whether the periodic snapshot is due and none is under way. */
    boolean periodicDue(long nowNanos, Duration interval) {
        return nowNanos - lastSaveNanos > interval.toNanos() && inFlight.isDone();
    }

    /** Saves the storage state now, when it changed since the last save. */
    void saveNow(BrowserHost host, BrowserContext context) {
        if (guard.fenced() || context == null) {
            return;
        }
        awaitInFlight();
        lastSaveNanos = System.nanoTime();
        saveIfChanged(guard.lease(), host.call(b -> context.storageState(STATE_WITH_INDEXED_DB), browserCall));
    }

    /**
     * The periodic snapshot: the mailbox only starts it, so that inbound messages are not held up behind
     * the capture (browser thread) and the encrypted write (a virtual thread).
     */
    void saveInBackground(BrowserHost host, BrowserContext context) {
        if (guard.fenced() || context == null) {
            return;
        }
        lastSaveNanos = System.nanoTime();
        SessionLease l = guard.lease();
        inFlight = host.submit(b -> context.storageState(STATE_WITH_INDEXED_DB))
                .orTimeout(browserCall.toMillis(), TimeUnit.MILLISECONDS)
                .thenAcceptAsync(
                        state -> saveIfChanged(l, state),
                        r -> Thread.ofVirtual().start(r))
                .exceptionally(e -> {
                    Throwable cause = SessionRuntime.causeOf(e);
                    if (cause instanceof StoreException.StaleEpoch stale) {
                        staleLease.accept(stale.getMessage());
                    } else if (!guard.fenced()) {
                        if (StoreOutage.is(cause)
                                || cause instanceof TimeoutException
                                || cause instanceof PlaywrightException) {
                            // routine: the database is away, or the page or browser went while it captured
                            log.warn(
                                    "session {}: periodic snapshot failed: {}",
                                    name,
                                    SessionWorker.firstLine(cause.getMessage()));
                        } else {
                            log.warn("session {}: periodic snapshot failed", name, cause);
                        }
                    }
                    return null;
                });
    }

    /** Waits for a periodic snapshot under way, so that no older state lands after what comes next. */
    void awaitInFlight() {
        try {
            inFlight.get(browserCall.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // reported by the snapshot itself
        }
    }

    private void saveIfChanged(SessionLease l, String state) {
        if (guard.fenced()) {
            return;
        }
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        byte[] hash = sha256(bytes);
        if (Arrays.equals(hash, lastHash)) {
            return;
        }
        long t0 = System.nanoTime();
        var info = store.snapshots().save(l, bytes);
        lastHash = hash;
        metrics.snapshotSaved(info.size(), System.nanoTime() - t0);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
