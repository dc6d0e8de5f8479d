package io.wagw.node.session;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.wagw.node.bridge.BridgeEvent;
import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.BrowserHost;
import io.wagw.node.browser.StorageRestore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser contexts opened ahead of a takeover. While a dead owner's lease runs out (up to the lease TTL after its
 * node left the cluster), the node that will take the session over opens its context with the newest snapshot, the
 * bridge and a blank page; once the lease is its own, the start only loads WhatsApp Web. After a failover this
 * moves the context and its page, and most of the browser thread's time per restore, into the wait.
 *
 * <p>Nothing prepared here talks to WhatsApp: the page stays blank (the snapshot's localStorage and IndexedDB are
 * written when the start loads WhatsApp Web in it, see {@link io.wagw.node.browser.StorageRestore}). A prepared
 * context is used only if it holds exactly the snapshot the start reads after taking the lease (an owner that was
 * not dead after all may have saved a newer one) and its browser did not restart meanwhile; otherwise, or when no
 * start comes within {@link #MAX_AGE_MS}, it is closed.
 */
final class PreparedPages {
    private static final Logger log = LoggerFactory.getLogger(PreparedPages.class);
    /** A prepared context nobody took within this long is closed (a dead owner's lease is far shorter). */
    static final long MAX_AGE_MS = 30_000;
    /** A prepared page Playwright has not reported within this long counts as failed (it takes well under 1 s). */
    private static final long PAGE_TIMEOUT_MS = 20_000;

    /** A context with its bridge installed and a blank page; {@code sink} receives the bridge's events once set. */
    record Prepared(
            String state,
            BrowserHost host,
            long generation,
            BrowserContext context,
            Page page,
            AtomicReference<Consumer<BridgeEvent>> sink) {}

    private final Map<String, CompletableFuture<Prepared>> bySession = new ConcurrentHashMap<>();
    private final LongAdder used = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder expired = new LongAdder();

    /** Whether a context is prepared (or being prepared) for {@code session}. */
    boolean has(String session) {
        return bySession.containsKey(session);
    }

    /** Whether the context for {@code session} is still being prepared. */
    boolean preparing(String session) {
        var future = bySession.get(session);
        return future != null && !future.isDone();
    }

    /** Whether the context for {@code session} is open (its preparation ended well). */
    boolean ready(String session) {
        var future = bySession.get(session);
        return future != null && future.isDone() && !future.isCompletedExceptionally();
    }

    int size() {
        return bySession.size();
    }

    /**
     * Opens a context for {@code session} with {@code state} on {@code host} (on its thread; returns at once with
     * the preparation under way). Empty when one is already there.
     */
    Optional<CompletableFuture<Prepared>> prepare(String session, String state, BrowserHost host) {
        var snapshot = StorageRestore.split(state); // here, not on the browser's thread
        var future = new CompletableFuture<Prepared>();
        if (bySession.putIfAbsent(session, future) != null) {
            return Optional.empty();
        }
        long generation = host.generation();
        AtomicReference<BrowserContext> opened = new AtomicReference<>();
        // the page is asked for without waiting (ContextPages): the browser's thread goes on to the next
        // preparation while Chromium and Playwright set this page up; Playwright reports it through onPage, and the
        // bridge starts listening to it in a task of its own (not inside whatever call delivered the event)
        host.submit(browser -> {
                    var created =
                            host.contextPages().newContext(() -> SessionWorker.newContext(browser, host, snapshot));
                    BrowserContext context = created.context();
                    opened.set(context);
                    AtomicReference<Consumer<BridgeEvent>> sink = new AtomicReference<>();
                    try {
                        WhatsAppBridge.install(context);
                        context.onPage(page -> host.submit(b -> {
                                    if (future.isDone()) {
                                        return null; // timed out or discarded meanwhile: closed below
                                    }
                                    WhatsAppBridge.listen(page, event -> {
                                        var s = sink.get();
                                        if (s != null) {
                                            s.accept(event);
                                        }
                                    });
                                    return future.complete(new Prepared(state, host, generation, context, page, sink));
                                })
                                .whenComplete((done, e) -> {
                                    if (e != null) {
                                        future.completeExceptionally(e);
                                    }
                                }));
                        host.contextPages().openPage(created);
                    } catch (RuntimeException e) {
                        context.close();
                        throw e;
                    }
                    return null;
                })
                .whenComplete((ignored, e) -> {
                    if (e != null) {
                        future.completeExceptionally(e);
                    }
                });
        future.orTimeout(PAGE_TIMEOUT_MS, TimeUnit.MILLISECONDS).whenComplete((p, e) -> {
            if (e != null) {
                bySession.remove(session, future);
                log.warn("session {}: preparing its takeover failed: {}", session, e.toString());
                BrowserContext context = opened.get();
                if (context != null) {
                    host.submit(b -> {
                        try {
                            context.close();
                        } catch (RuntimeException gone) {
                            // the browser restarted or closed: the context went with it
                        }
                        return null;
                    });
                }
            }
        });
        return Optional.of(future);
    }

    /**
     * The context prepared for {@code session} if it holds {@code state} and lives in {@code host}'s current
     * browser; a prepared one that does not fit is closed. Waits for a preparation still under way.
     */
    Optional<Prepared> take(String session, String state, BrowserHost host) {
        var future = bySession.remove(session);
        if (future == null) {
            return Optional.empty();
        }
        Prepared p;
        try {
            p = future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.empty(); // logged where it failed
        }
        if (p.host() == host && p.generation() == host.generation() && p.state().equals(state)) {
            used.increment();
            return Optional.of(p);
        }
        stale.increment();
        log.info("session {}: the context prepared for its takeover is out of date; opening a new one", session);
        close(p);
        return Optional.empty();
    }

    /** Closes what was prepared for {@code session}, if anything; true when something was. */
    boolean discard(String session) {
        var future = bySession.get(session);
        return future != null && discardIfUntaken(session, future);
    }

    /** Closes {@code future}'s context unless a start took it meanwhile; true when it did. */
    boolean discardIfUntaken(String session, CompletableFuture<Prepared> future) {
        if (!bySession.remove(session, future)) {
            return false;
        }
        expired.increment();
        future.thenAccept(PreparedPages::close);
        return true;
    }

    private static void close(Prepared p) {
        p.host().submit(b -> {
            try {
                p.context().close();
            } catch (RuntimeException gone) {
                // the browser restarted or closed: the context went with it
            }
            return null;
        });
    }

    /** How prepared contexts ended: taken by their start, out of date at the start, or never taken. */
    long used() {
        return used.sum();
    }

    long stale() {
        return stale.sum();
    }

    long expired() {
        return expired.sum();
    }
}
