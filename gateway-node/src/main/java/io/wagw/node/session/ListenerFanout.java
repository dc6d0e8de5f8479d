package io.wagw.node.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link SessionListener}s what happens, on one thread of its own, in the order it happened;
 * a listener that throws does not keep the others from hearing it.
 */
final class ListenerFanout {
    private static final Logger log = LoggerFactory.getLogger(ListenerFanout.class);

    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("runtime-events").daemon(true).factory());

    void add(SessionListener listener) {
        listeners.add(listener);
    }

    void fire(Consumer<SessionListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        notifier.execute(() -> {
            for (SessionListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    log.warn("session listener failed", e);
                }
            }
        });
    }

    /** Lets what was fired reach the listeners (bounded), then stops. */
    void close() {
        notifier.shutdown();
        try {
            notifier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
