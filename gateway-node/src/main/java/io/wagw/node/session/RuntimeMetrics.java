package io.wagw.node.session;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters the runtime keeps; the metrics endpoint reads them. */
public final class RuntimeMetrics {
    private final LongAdder restarts = new LongAdder();
    private final LongAdder browserCrashes = new LongAdder();
    private final LongAdder qrShown = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder snapshotsSaved = new LongAdder();
    private final AtomicLong lastSnapshotBytes = new AtomicLong();

    /** Recent page-to-handler delays of inbound messages, in ms (a bounded ring; newest overwrite oldest). */
    private final long[] lags = new long[8192];

    private long lagCount;

    synchronized void recordInboundLag(long millis) {
        lags[(int) (lagCount++ % lags.length)] = Math.max(0, millis);
    }

    /** The recent inbound delays (page {@code add} event to message handler), in ms, oldest first. */
    public synchronized long[] recentInboundLagsMillis() {
        int n = (int) Math.min(lagCount, lags.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = lags[(int) ((lagCount - n + i) % lags.length)];
        }
        return out;
    }

    private final LongAdder snapshotNanosTotal = new LongAdder();

    void snapshotSaved(int bytes, long nanos) {
        snapshotsSaved.increment();
        snapshotNanosTotal.add(nanos);
        lastSnapshotBytes.set(bytes);
    }

    void countRestart() {
        restarts.increment();
    }

    void countBrowserCrash() {
        browserCrashes.increment();
    }

    void countQrShown() {
        qrShown.increment();
    }

    void countMessageIn() {
        messagesIn.increment();
    }

    void countMessageOut() {
        messagesOut.increment();
    }

    public long restarts() {
        return restarts.sum();
    }

    public long browserCrashes() {
        return browserCrashes.sum();
    }

    public long qrShown() {
        return qrShown.sum();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long snapshotsSaved() {
        return snapshotsSaved.sum();
    }

    public long lastSnapshotBytes() {
        return lastSnapshotBytes.get();
    }

    public long snapshotNanosTotal() {
        return snapshotNanosTotal.sum();
    }
}
