package io.wagw.node.browser;

import java.util.List;

/**
 * The node's Chromium PSS without reading it often. PSS is exact but dear: {@code smaps_rollup} walks a process's
 * page tables, 1.7-2.6 ms of CPU per Chromium process measured here, so reading it every 10 s cost a node of 100
 * sessions 1.8 % of a core, a seventh of its idle CPU. Resident anonymous memory ({@code RssAnon} in
 * {@code status}) is a counter the kernel keeps: 0.03 ms per process. It overstates the PSS (by 4 % for 82
 * processes of three small nodes, by 20 % for 154 of one browser with 150 pages: pages a renderer shares
 * copy-on-write with the zygote it was forked from count whole in each), but moves with it. So PSS is read in
 * full every {@link #FULL_NANOS} and whenever the node's browsers changed, and in between the last full reading
 * is scaled by how the resident anonymous memory changed since, read at most every {@link #STEP_NANOS}. Pure:
 * the caller reads {@code /proc} and passes the numbers in; not thread-safe.
 */
final class PssEstimate {
    /** A full PSS reading at least this often. */
    static final long FULL_NANOS = 300_000_000_000L;
    /** The resident anonymous memory at most this often (the estimate in between stays). */
    static final long STEP_NANOS = 10_000_000_000L;

    /** What the next call should read. */
    enum Due {
        NOTHING,
        ANON,
        FULL
    }

    private boolean any;
    private long fullAt;
    private long readAt;
    private List<String> browsers = List.of();
    private long pss;
    private long anonAtFull;
    private long estimate;

    /** What to read at {@code now} (nanos) for the browsers {@code current} (id and generation of each). */
    Due due(long now, List<String> current) {
        if (!any || now - fullAt > FULL_NANOS || !current.equals(browsers)) {
            return Due.FULL;
        }
        return now - readAt > STEP_NANOS ? Due.ANON : Due.NOTHING;
    }

    /** A full reading: the PSS and the resident anonymous memory of the same processes. */
    void full(long now, List<String> current, long pssBytes, long anonBytes) {
        any = true;
        fullAt = now;
        readAt = now;
        browsers = List.copyOf(current);
        pss = pssBytes;
        anonAtFull = anonBytes;
        estimate = pssBytes;
    }

    /** A reading of the resident anonymous memory alone: the last PSS scaled by how that changed. */
    void anon(long now, long anonBytes) {
        readAt = now;
        estimate = anonAtFull <= 0 || anonBytes <= 0 ? pss : Math.round((double) pss * anonBytes / anonAtFull);
    }

    /** The estimated PSS in bytes (0 before the first reading). */
    long bytes() {
        return estimate;
    }
}
