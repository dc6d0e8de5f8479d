package io.wagw.node.browser;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.impl.Transport;
import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a browser thread sleep until its Playwright driver sends something or another thread hands it work, instead of
 * waking every 10 ms. Playwright-java waits for the driver's next message in 10 ms slices (its
 * {@code Connection.processOneMessage}, a fixed interval): an idle browser thread woke 100 times a second, 0.5-0.7 % of
 * a core per browser on a 2-core VM. This transport wraps the connection's own: one wait of the owning thread lasts up
 * to {@link #QUIET}, a driver message still ends it at once, and {@link #wake} ends it early by interrupting the thread,
 * only while it is inside such a wait (a state machine keeps the interrupt from landing anywhere else).
 *
 * <p>The connection keeps its transport in a private final field, so {@link #install} sets it by reflection; when a
 * Playwright version lays its internals out differently, or a later Java release refuses to write a final field
 * by reflection (JEP 500 prepares that), the install fails, the node logs it once and the thread keeps Playwright's 10 ms
 * slices (correct, only dearer). {@code DriverWaitTest} fails when the wrap no longer takes.
 */
final class DriverWait implements Transport {
    private static final Logger log = LoggerFactory.getLogger(DriverWait.class);
    /** The longest the owning thread sleeps waiting for the driver when nothing wakes it. */
    static final Duration QUIET = Duration.ofMillis(500);

    private static final int BUSY = 0;
    private static final int WAITING = 1;
    private static final int WAKING = 2;
    private static final AtomicBoolean installFailureLogged = new AtomicBoolean();

    private final Transport delegate;
    private final Thread owner;
    private final AtomicInteger state = new AtomicInteger(BUSY);
    /** Set by every {@link #wake}; a wait that starts after it returns at once so its caller looks again. */
    private final AtomicBoolean pending = new AtomicBoolean();

    private DriverWait(Transport delegate, Thread owner) {
        this.delegate = delegate;
        this.owner = owner;
    }

    /**
     * Wraps {@code playwright}'s transport; {@code owner}, the only thread that calls into this Playwright, then waits
     * up to {@link #QUIET} for the driver. Empty (and logged once) when the internals are not as expected.
     */
    static Optional<DriverWait> install(Playwright playwright, Thread owner) {
        try {
            Object connection = field(playwright.getClass(), "connection").get(playwright);
            Field transportField = field(connection.getClass(), "transport");
            var wait = new DriverWait((Transport) transportField.get(connection), owner);
            transportField.set(connection, wait);
            return Optional.of(wait);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (installFailureLogged.compareAndSet(false, true)) {
                log.warn(
                        "could not wrap Playwright's driver connection ({}); browser threads poll it every 10 ms"
                                + " (about 0.6 % of a core per idle browser)",
                        e.toString());
            }
            return Optional.empty();
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException ignored) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /** Ends the owner's current or next wait for the driver; any thread. */
    void wake() {
        pending.set(true);
        if (state.compareAndSet(WAITING, WAKING)) {
            owner.interrupt();
            state.set(BUSY);
        }
    }

    @Override
    public JsonObject poll(Duration timeout) {
        if (Thread.currentThread() != owner) {
            return delegate.poll(timeout);
        }
        state.set(WAITING);
        JsonObject message = null;
        PlaywrightException failure = null;
        if (!pending.getAndSet(false)) {
            try {
                message = delegate.poll(QUIET);
            } catch (PlaywrightException e) {
                failure = e;
            }
        }
        boolean woken = !state.compareAndSet(WAITING, BUSY);
        if (woken) {
            while (state.get() == WAKING) {
                Thread.onSpinWait();
            }
            Thread.interrupted(); // the wake's interrupt, if it did not reach the blocking call
        }
        if (failure != null && !(woken && failure.getCause() instanceof InterruptedException)) {
            throw failure;
        }
        return message;
    }

    @Override
    public void send(JsonObject message) {
        delegate.send(message);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
