package io.wagw.node.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A serial executor on a thread of its own (a virtual thread): tasks run one at a time, in the order they
 * were posted. Once a second the tick runs between them. A task that throws goes to the error handler and the
 * mailbox goes on. Once closed it takes nothing more and its thread ends.
 *
 * <p>One clock per JVM queues every open mailbox's tick at the same instant: a timed wait per mailbox woke each
 * session's thread on its own, 150 timer wake-ups a second spread over the second at 150 sessions (1.5-2.2 % of a
 * core on 2 cores), where one wake-up a second now runs them all.
 */
final class Mailbox {
    private static final long TICK_MS = 1000;
    private static final Set<Mailbox> OPEN = ConcurrentHashMap.newKeySet();
    /** Queued by {@link #close} so that a thread waiting for a task sees it. */
    private static final Runnable WAKE = () -> {};

    static {
        startClock();
    }

    private final String threadName;
    private final Consumer<Runnable> dispatch;
    private final Runnable tick;
    private final Consumer<Throwable> failed;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    /** At most one tick waits in the queue; a mailbox busier than its tick does not pile them up. */
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    /** Queued by the clock; run here it clears the flag, and the mailbox's own thread then runs the tick. */
    private final Runnable tickMark = () -> tickQueued.set(false);

    private volatile boolean closed;

    /**
     * @param dispatch runs (or skips) one task
     * @param tick     runs about once a second, between tasks
     * @param failed   hears what a task or the tick threw
     */
    Mailbox(String threadName, Consumer<Runnable> dispatch, Runnable tick, Consumer<Throwable> failed) {
        this.threadName = threadName;
        this.dispatch = dispatch;
        this.tick = tick;
        this.failed = failed;
    }

    private static void startClock() {
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mailbox-clock").daemon(true).factory());
        clock.scheduleAtFixedRate(() -> OPEN.forEach(Mailbox::queueTick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    void start() {
        if (!closed) {
            OPEN.add(this);
        }
        Thread.ofVirtual().name(threadName).start(this::drain);
    }

    private void queueTick() {
        if (!closed && tickQueued.compareAndSet(false, true)) {
            queue.add(tickMark);
        }
    }

    /** Queues a task; ignored once closed. */
    void post(Runnable task) {
        if (!closed) {
            queue.add(task);
        }
    }

    void close() {
        closed = true;
        OPEN.remove(this);
        queue.add(WAKE);
    }

    boolean closed() {
        return closed;
    }

    /** Runs now, on the caller's thread, the queued tasks that {@code which} selects (taking them out). */
    void runQueued(Predicate<Runnable> which, Consumer<RuntimeException> taskFailed) {
        for (Runnable r : queue.toArray(Runnable[]::new)) {
            if (which.test(r) && queue.remove(r)) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    taskFailed.accept(e);
                }
            }
        }
    }

    /** Runs now, on the caller's thread, every queued task, including those they queue meanwhile. */
    void runAllQueued(Consumer<RuntimeException> taskFailed) {
        Runnable r;
        while ((r = queue.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                taskFailed.accept(e);
            }
        }
    }

    private void drain() {
        try {
            while (!closed) {
                try {
                    Runnable r = queue.take();
                    if (r == tickMark) {
                        r.run();
                        tick.run();
                    } else if (r != WAKE) {
                        dispatch.accept(r);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    failed.accept(t);
                }
            }
        } finally {
            OPEN.remove(this); // also when close() raced with start()
        }
    }
}
