package io.wagw.sim.api;

/**
 * Injected faults: {@code latencyMs} delays every frame the server sends to pages (order kept);
 * {@code failSends} makes every message a page sends fail (ack -1); {@code queuedAsHistory} delivers what
 * waited for an offline device inside the history sync at connect (not as new messages), while the page's
 * modules are not reachable yet (as the real page's lazily loaded modules): no script can see them arrive.
 */
public record Faults(long latencyMs, boolean failSends, boolean queuedAsHistory) {
    public static final Faults NONE = new Faults(0, false, false);

    public Faults(long latencyMs, boolean failSends) {
        this(latencyMs, failSends, false);
    }
}
