package io.wagw.node.session;

import io.wagw.store.StoreFailures;
import io.wagw.store.StoreOutage;
import io.wagw.store.message.InboundRecord;
import io.wagw.store.message.Message;
import io.wagw.store.message.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the node's inbound messages in batches: whatever arrived while a write ran goes into the next one,
 * as a single statement and commit. A burst of messages to many sessions at once then costs a few commits
 * instead of one each. A few writers take batches in turn, so that a message arriving during a write does
 * not wait for that write's commit before its own can start. Order within a session still holds: its
 * worker hands on its next message only once the previous one is stored.
 */
final class InboundWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboundWriter.class);
    static final int MAX_BATCH = 200;
    /** Writers, each with its own connection while it writes. */
    static final int WRITERS = 3;

    private record Pending(InboundRecord record, CompletableFuture<Optional<Message>> result) {}

    private final Messages messages;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    InboundWriter(Messages messages) {
        this.messages = messages;
        // platform threads: a JDBC round trip then wakes the writer directly, not through the virtual-thread
        // poller and a carrier, two more threads to schedule while a burst keeps every core busy
        for (int i = 0; i < WRITERS; i++) {
            writers.add(
                    Thread.ofPlatform().daemon(true).name("inbound-writer-" + i).start(this::run));
        }
    }

    /**
     * Stores one message, waiting for the batch it joins.
     *
     * @return the stored message, or empty for a duplicate (or a session that no longer exists)
     */
    Optional<Message> record(InboundRecord record) {
        if (closed) {
            throw new IllegalStateException("the inbound writer is closed");
        }
        var p = new Pending(record, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            Pending first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new IllegalStateException("the inbound writer is closed"));
        }
    }

    private void write(List<Pending> batch) {
        try {
            var results =
                    messages.recordInbound(batch.stream().map(Pending::record).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                log.warn("storing {} inbound messages failed: {}", batch.size(), StoreFailures.summary(e));
                batch.forEach(p -> p.result().completeExceptionally(e));
                return;
            }
            // the database refused the batch, not the connection: one bad message must not fail the others,
            // so they are stored one by one, each with its own outcome
            for (Pending p : batch) {
                try {
                    p.result()
                            .complete(
                                    messages.recordInbound(List.of(p.record())).getFirst());
                } catch (RuntimeException one) {
                    p.result().completeExceptionally(one);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true; // the writers store what is queued, then end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            for (Thread w : writers) {
                w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
