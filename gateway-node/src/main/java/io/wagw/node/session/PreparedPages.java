package io.wagw.node.session;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.wagw.node.bridge.BridgeEvent;
import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.BrowserHost;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages loaded ahead of a takeover. While a dead owner's lease runs out (up to the lease TTL after its node left
 * the cluster), the node that will take the session over opens its context with the newest snapshot and the
 * bridge, and loads WhatsApp Web in it with its sockets held ({@link WhatsAppBridge#holdSockets}): the app's code
 * runs and reads the stored session, but its chat socket does not connect. Once the lease is its own, the start
 * releases the sockets ({@link #release}) and the page connects. After a failover this moves the context, the
 * page's renderer and the app's load into the wait; what is left after the lease is the connection and the sync.
 *
 * <p>Nothing prepared here talks to the session on WhatsApp before the release: the page loads the app's files
 * over HTTP like any visitor. A prepared page is used only if its context holds exactly the snapshot the start
 * reads after taking the lease (an owner that was not dead after all may have saved a newer one), its browser did
 * not restart meanwhile and it can still release its sockets (it did not crash or fail to load); otherwise, or
 * when no start comes within {@link #MAX_AGE_MS}, it is closed.
 */
final class PreparedPages {
    private static final Logger log = LoggerFactory.getLogger(PreparedPages.class);
    /** A prepared context nobody took within this long is closed (a dead owner's lease is far shorter). */
    static final long MAX_AGE_MS = 30_000;

    /** A context with its bridge installed and WhatsApp Web loading or loaded in {@code page}, sockets held. */
    record Prepared(
            String state, BrowserHost host, long generation, BrowserContext context, Page page, Events events) {}

    /** The bridge's events of a prepared page: kept until the start takes the page, then passed on as they come. */
    static final class Events implements Consumer<BridgeEvent> {
        private final List<BridgeEvent> early = new ArrayList<>();
        private Consumer<BridgeEvent> sink;

        @Override
        public synchronized void accept(BridgeEvent event) {
            if (sink == null) {
                early.add(event);
            } else {
                sink.accept(event);
            }
        }

        /** From now on events go to {@code to}; those that came before go first. */
        synchronized void attach(Consumer<BridgeEvent> to) {
            early.forEach(to);
            early.clear();
            sink = to;
        }
    }

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

    /** The page prepared for {@code session}, once its preparation ended well. */
    Optional<Prepared> get(String session) {
        return ready(session) ? Optional.of(bySession.get(session).join()) : Optional.empty();
    }

    int size() {
        return bySession.size();
    }

    /**
     * Opens a context for {@code session} with {@code state} on {@code host} and loads {@code waUrl} in it with its
     * sockets held (on the browser's thread; returns at once with the preparation under way). Empty when one is
     * already there.
     */
    Optional<CompletableFuture<Prepared>> prepare(String session, String state, BrowserHost host, URI waUrl) {
        var future = new CompletableFuture<Prepared>();
        if (bySession.putIfAbsent(session, future) != null) {
            return Optional.empty();
        }
        long generation = host.generation();
        host.submit(browser -> {
                    var events = new Events();
                    BrowserContext context = browser.newContext(SessionWorker.contextOptions(host, state));
                    try {
                        WhatsAppBridge.install(context, events);
                        WhatsAppBridge.holdSockets(context);
                        Page page = context.newPage();
                        WhatsAppBridge.open(page, waUrl);
                        return new Prepared(state, host, generation, context, page, events);
                    } catch (RuntimeException e) {
                        context.close();
                        throw e;
                    }
                })
                .whenComplete((p, e) -> {
                    if (e != null) {
                        bySession.remove(session, future);
                        log.warn("session {}: preparing its takeover failed: {}", session, e.getMessage());
                        future.completeExceptionally(e);
                    } else {
                        future.complete(p);
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
            return Optional.of(p);
        }
        stale.increment();
        log.info("session {}: the context prepared for its takeover is out of date; opening a new one", session);
        close(p);
        return Optional.empty();
    }

    /**
     * Lets {@code p}'s page connect (on its browser's thread, once the lease is this node's) and passes its events
     * to {@code sink}. False when the page cannot (it crashed, or WhatsApp Web did not load): its context is then
     * closed, and the start opens a new one.
     */
    boolean release(Prepared p, Consumer<BridgeEvent> sink) {
        boolean released;
        try {
            released = WhatsAppBridge.release(p.page());
        } catch (RuntimeException e) {
            log.info("the page prepared for a takeover cannot connect: {}", e.getMessage());
            released = false;
        }
        if (!released) {
            stale.increment();
            try {
                p.context().close();
            } catch (RuntimeException gone) {
                // the browser went with it
            }
            return false;
        }
        used.increment();
        p.events().attach(sink);
        return true;
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

    /**
     * How prepared pages ended: taken by their start, out of date or unable to connect at the start, or never
     * taken.
     */
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
