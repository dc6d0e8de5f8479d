package io.wagw.router.health;

import java.time.Instant;
import java.util.Objects;

/**
 * What a node publishes about itself (every 2 s at least). Counts of failures and crashes cover a recent window
 * chosen by the publisher (for example the last 5 minutes), so they fall back to 0 once the node is stable again.
 *
 * @param nodeId               the node ({@code GW_NODE_ID})
 * @param publishedAt          when the node measured these values
 * @param capacity             its hard cap of sessions ({@code GW_MAX_SESSIONS}), {@code >= 0}
 * @param sessionsRunning      sessions it runs now
 * @param heapUsedBytes        JVM heap in use
 * @param heapMaxBytes         JVM heap limit; 0 when unknown (the heap then does not count)
 * @param chromiumMemoryBytes  resident memory of its Chromium processes
 * @param chromiumBudgetBytes  memory the node may give Chromium; 0 when unknown (Chromium then does not count)
 * @param systemCpuLoad        system CPU load in [0, 1]; negative or NaN when unknown (as the JMX bean reports)
 * @param recentStartFailures  session starts that failed recently
 * @param recentBrowserCrashes browsers that crashed recently
 * @param draining             whether the node was asked to drain (drain API or SIGTERM)
 */
public record NodeMetrics(
        String nodeId,
        Instant publishedAt,
        int capacity,
        int sessionsRunning,
        long heapUsedBytes,
        long heapMaxBytes,
        long chromiumMemoryBytes,
        long chromiumBudgetBytes,
        double systemCpuLoad,
        int recentStartFailures,
        int recentBrowserCrashes,
        boolean draining) {

    public NodeMetrics {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(publishedAt, "publishedAt");
        requireNonNegative("capacity", capacity);
        requireNonNegative("sessionsRunning", sessionsRunning);
        requireNonNegative("heapUsedBytes", heapUsedBytes);
        requireNonNegative("heapMaxBytes", heapMaxBytes);
        requireNonNegative("chromiumMemoryBytes", chromiumMemoryBytes);
        requireNonNegative("chromiumBudgetBytes", chromiumBudgetBytes);
        requireNonNegative("recentStartFailures", recentStartFailures);
        requireNonNegative("recentBrowserCrashes", recentBrowserCrashes);
    }

    /** The same metrics as measured at another time. */
    public NodeMetrics withPublishedAt(Instant at) {
        return new NodeMetrics(
                nodeId,
                at,
                capacity,
                sessionsRunning,
                heapUsedBytes,
                heapMaxBytes,
                chromiumMemoryBytes,
                chromiumBudgetBytes,
                systemCpuLoad,
                recentStartFailures,
                recentBrowserCrashes,
                draining);
    }

    /** Memory pressure in [0, ∞): the worse of heap used / heap max and Chromium memory / budget. */
    public double memoryPressure() {
        double heap = heapMaxBytes > 0 ? (double) heapUsedBytes / heapMaxBytes : 0.0;
        double chromium = chromiumBudgetBytes > 0 ? (double) chromiumMemoryBytes / chromiumBudgetBytes : 0.0;
        return Math.max(heap, chromium);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
