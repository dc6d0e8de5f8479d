package io.wagw.node.session;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A serial executor on a thread of its own (a virtual thread): tasks run one at a time, in the order they
 * were posted. When nothing arrives for a second the idle task runs. A task that throws goes to the error
 * handler and the mailbox goes on. Once closed it takes nothing more and its thread ends.
 */
final class Mailbox {
    private static final long IDLE_MS = 1000;

    private final String threadName;
    private final Consumer<Runnable> dispatch;
    private final Runnable idle;
    private final Consumer<Throwable> failed;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /**
     * @param dispatch runs (or skips) one task
     * @param idle     runs after a second without a task
     * @param failed   hears what a task or the idle task threw
     */
    Mailbox(String threadName, Consumer<Runnable> dispatch, Runnable idle, Consumer<Throwable> failed) {
        this.threadName = threadName;
        this.dispatch = dispatch;
        this.idle = idle;
        this.failed = failed;
    }

    void start() {
        Thread.ofVirtual().name(threadName).start(this::drain);
    }

    /** Queues a task; ignored once closed. */
    void post(Runnable task) {
        if (!closed) {
            queue.add(task);
        }
    }

    void close() {
        closed = true;
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
        while (!closed) {
            try {
                Runnable r = queue.poll(IDLE_MS, TimeUnit.MILLISECONDS);
                if (r == null) {
                    idle.run();
                } else {
                    dispatch.accept(r);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                failed.accept(t);
            }
        }
    }
}
