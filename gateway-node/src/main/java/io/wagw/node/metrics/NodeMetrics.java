package io.wagw.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wagw.node.session.RuntimeMetrics;
import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.session.SessionView;
import io.wagw.node.webhook.WebhookMetrics;
import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics (Micrometer). Labels name sessions' statuses and results, never a
 * message text or a phone number.
 */
public final class NodeMetrics implements SessionListener {
    private final PrometheusMeterRegistry registry;
    private final Timer sendLatency;
    private final Map<String, SessionStatus> lastStatus = new ConcurrentHashMap<>();
    private final LongAdder scans = new LongAdder();

    /** The registry a node's meters live in; other parts of the node (the assistant) add theirs to it. */
    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public NodeMetrics(PrometheusMeterRegistry registry, SessionRuntime runtime, WebhookMetrics webhooks) {
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        for (SessionStatus status : SessionStatus.values()) {
            Gauge.builder(
                            "wagw_sessions",
                            runtime,
                            r -> r.sessions().stream()
                                    .filter(v -> v.status() == status)
                                    .count())
                    .description("sessions running on this node, by status")
                    .tag("status", status.name())
                    .register(registry);
        }
        Gauge.builder("wagw_handler_queue_depth", runtime, SessionRuntime::handlerDepth)
                .description("inbound messages in or waiting for the assistant on this node")
                .register(registry);
        Gauge.builder("wagw_sessions_capacity", runtime, r -> r.config().maxSessions())
                .description("GW_MAX_SESSIONS")
                .register(registry);
        RuntimeMetrics m = runtime.metrics();
        counter(
                "wagw_messages_total",
                m,
                RuntimeMetrics::messagesIn,
                "direction",
                "in",
                "messages received and persisted");
        counter(
                "wagw_messages_total",
                m,
                RuntimeMetrics::messagesOut,
                "direction",
                "out",
                "messages accepted by WhatsApp");
        counter("wagw_qr_codes_shown_total", m, RuntimeMetrics::qrShown, null, null, "QR codes shown to be scanned");
        FunctionCounter.builder("wagw_qr_scans_total", scans, LongAdder::sum)
                .description("sessions linked by a QR scan or pairing code")
                .register(registry);
        counter(
                "wagw_session_restarts_total",
                m,
                RuntimeMetrics::restarts,
                null,
                null,
                "session restarts after a failure");
        counter(
                "wagw_browser_crashes_total",
                m,
                RuntimeMetrics::browserCrashes,
                null,
                null,
                "Chromium processes that died");
        FunctionTimer.builder(
                        "wagw_snapshot_save",
                        m,
                        RuntimeMetrics::snapshotsSaved,
                        RuntimeMetrics::snapshotNanosTotal,
                        TimeUnit.NANOSECONDS)
                .description("auth snapshot saves")
                .register(registry);
        Gauge.builder("wagw_snapshot_last_bytes", m, RuntimeMetrics::lastSnapshotBytes)
                .baseUnit("bytes")
                .description("size of the last saved auth snapshot")
                .register(registry);
        Gauge.builder("wagw_chromium_pss_bytes", runtime, r -> r.pool().chromiumPssBytes())
                .baseUnit("bytes")
                .description("summed PSS of every Chromium process of this node (read in full every 5 minutes,"
                        + " scaled by resident anonymous memory in between)")
                .register(registry);
        Gauge.builder("wagw_browsers", runtime, r -> r.pool().hosts().size())
                .description("running Chromium browsers")
                .register(registry);
        sendLatency = Timer.builder("wagw_send_latency")
                .description("sendText request to WhatsApp's acceptance")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        for (String result : new String[] {"delivered", "retried", "dead"}) {
            FunctionCounter.builder(
                            "wagw_webhook_deliveries_total",
                            webhooks,
                            w -> w.deliveriesByResult().getOrDefault(result, 0L))
                    .tag("result", result)
                    .description("webhook delivery attempts by result")
                    .register(registry);
        }
        for (String outcome : new String[] {"used", "stale", "expired"}) {
            FunctionCounter.builder("wagw_takeover_contexts_prepared_total", runtime, r -> r.preparedTakeovers(outcome))
                    .tag("outcome", outcome)
                    .description("contexts opened ahead of a takeover by outcome: used by the start, stale (a newer"
                            + " snapshot), expired (no start came)")
                    .register(registry);
        }
        Gauge.builder("wagw_webhook_in_flight", webhooks, WebhookMetrics::inFlight)
                .description("webhook requests in flight")
                .register(registry);
        Gauge.builder("wagw_database_up", runtime, r -> r.storeReachable() ? 1 : 0)
                .description("1 when the database answered the node's last probe (every 2 s)")
                .register(registry);
        Gauge.builder("wagw_inbound_spool_pending", runtime, SessionRuntime::spoolPending)
                .description("inbound messages and answered-marks waiting on disk for the database")
                .register(registry);
        counter(
                "wagw_inbound_spooled_total",
                runtime,
                SessionRuntime::spooledTotal,
                null,
                null,
                "inbound messages and answered-marks spooled while the database was away");
        counter(
                "wagw_inbound_spool_refused_total",
                runtime,
                SessionRuntime::spoolRefusedTotal,
                null,
                null,
                "entries the full spool refused (inbound messages lost)");
    }

    private <T> void counter(
            String name, T obj, ToDoubleFunction<T> f, String tagKey, String tagValue, String description) {
        var b = FunctionCounter.builder(name, obj, f).description(description);
        if (tagKey != null) {
            b.tag(tagKey, tagValue);
        }
        b.register(registry);
    }

    public void recordSend(Duration latency) {
        sendLatency.record(latency);
    }

    @Override
    public void onStatus(SessionView view) {
        SessionStatus previous = lastStatus.put(view.name(), view.status());
        if (previous == SessionStatus.SCAN_QR_CODE && view.status() == SessionStatus.WORKING) {
            scans.increment();
        }
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
