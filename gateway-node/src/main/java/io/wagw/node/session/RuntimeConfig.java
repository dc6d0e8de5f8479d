package io.wagw.node.session;

import io.wagw.node.browser.BrowserSettings;
import io.wagw.node.config.NodeConfig;
import java.net.URI;
import java.time.Duration;

/**
 * Settings of a node's session runtime.
 *
 * @param maxConsecutiveFailures restarts in a row after which a session goes {@code FAILED} instead of flapping
 * @param restartBackoffBase     first restart delay; doubles per consecutive failure up to {@code restartBackoffMax}
 * @param startTimeout           how long a page may take to show a QR or become ready
 * @param connectionLossGrace    how long a working page may stay disconnected before it is restarted
 * @param snapshotInterval       at most one snapshot save per interval while working (and one on every stop)
 * @param logoutStops            after a logout from the phone: stop ({@code true}) or show a new QR ({@code false})
 */
public record RuntimeConfig(
        String nodeId,
        URI waUrl,
        int maxSessions,
        int sessionsPerBrowser,
        Duration leaseTtl,
        BrowserSettings browser,
        int maxConsecutiveFailures,
        Duration restartBackoffBase,
        Duration restartBackoffMax,
        Duration startTimeout,
        Duration connectionLossGrace,
        Duration snapshotInterval,
        boolean logoutStops,
        OutboundPolicy outbound) {

    public static RuntimeConfig from(NodeConfig node) {
        Duration pause = node.sendPause();
        boolean paced = !pause.isZero();
        var outbound = new OutboundPolicy(
                pause,
                paced ? OutboundPolicy.DEFAULT.pausePerChar() : Duration.ZERO,
                paced ? max(pause, OutboundPolicy.DEFAULT.maxPause()) : Duration.ZERO,
                node.sendPerMinute(),
                node.sendBurst(),
                OutboundPolicy.DEFAULT.sendTimeout());
        return new RuntimeConfig(
                node.nodeId(),
                node.waUrl(),
                node.maxSessions(),
                node.sessionsPerBrowser(),
                node.leaseTtl(),
                BrowserSettings.headless(node.chromiumPath()),
                5,
                Duration.ofSeconds(2),
                Duration.ofMinutes(2),
                Duration.ofSeconds(90),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                false,
                outbound);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public RuntimeConfig withLeaseTtl(Duration ttl) {
        return new RuntimeConfig(
                nodeId,
                waUrl,
                maxSessions,
                sessionsPerBrowser,
                ttl,
                browser,
                maxConsecutiveFailures,
                restartBackoffBase,
                restartBackoffMax,
                startTimeout,
                connectionLossGrace,
                snapshotInterval,
                logoutStops,
                outbound);
    }

    public RuntimeConfig withRestarts(int maxFailures, Duration base, Duration max) {
        return new RuntimeConfig(
                nodeId,
                waUrl,
                maxSessions,
                sessionsPerBrowser,
                leaseTtl,
                browser,
                maxFailures,
                base,
                max,
                startTimeout,
                connectionLossGrace,
                snapshotInterval,
                logoutStops,
                outbound);
    }

    public RuntimeConfig withOutbound(OutboundPolicy policy) {
        return new RuntimeConfig(
                nodeId,
                waUrl,
                maxSessions,
                sessionsPerBrowser,
                leaseTtl,
                browser,
                maxConsecutiveFailures,
                restartBackoffBase,
                restartBackoffMax,
                startTimeout,
                connectionLossGrace,
                snapshotInterval,
                logoutStops,
                policy);
    }

    public RuntimeConfig withLogoutStops(boolean stops) {
        return new RuntimeConfig(
                nodeId,
                waUrl,
                maxSessions,
                sessionsPerBrowser,
                leaseTtl,
                browser,
                maxConsecutiveFailures,
                restartBackoffBase,
                restartBackoffMax,
                startTimeout,
                connectionLossGrace,
                snapshotInterval,
                stops,
                outbound);
    }

    public RuntimeConfig withCapacity(int maxSessions, int sessionsPerBrowser) {
        return new RuntimeConfig(
                nodeId,
                waUrl,
                maxSessions,
                sessionsPerBrowser,
                leaseTtl,
                browser,
                maxConsecutiveFailures,
                restartBackoffBase,
                restartBackoffMax,
                startTimeout,
                connectionLossGrace,
                snapshotInterval,
                logoutStops,
                outbound);
    }

    /**
     * How a session sends: a typing indicator and a pause before each message (longer for longer
     * texts, capped), and at most {@code perMinute} messages per minute with bursts of {@code burst}:
     * numbers that send fast get banned.
     */
    public record OutboundPolicy(
            Duration minPause,
            Duration pausePerChar,
            Duration maxPause,
            int perMinute,
            int burst,
            Duration sendTimeout) {
        public static final OutboundPolicy DEFAULT = new OutboundPolicy(
                Duration.ofMillis(800), Duration.ofMillis(15), Duration.ofSeconds(4), 20, 5, Duration.ofSeconds(30));
    }
}
