package io.wagw.node.session;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import io.wagw.node.bridge.BridgeEvent;
import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.BrowserHost;
import io.wagw.node.browser.StorageRestore;
import io.wagw.node.session.SessionLifecycle.Action;
import io.wagw.node.session.SessionLifecycle.Event;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.StoreOutage;
import io.wagw.store.Validation;
import io.wagw.store.lease.SessionLease;
import io.wagw.store.message.Message;
import io.wagw.store.session.Session;
import io.wagw.store.session.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running session on this node: it wires its parts and executes its {@link SessionLifecycle}. Every
 * state change runs on the worker's {@link Mailbox} (a virtual thread), one at a time; Playwright calls go
 * to the owning browser's thread; bridge events arrive from there and are posted to the mailbox. The
 * {@link LeaseGuard} fences the worker once the lease is lost: it closes its context and writes nothing.
 * Snapshots are the {@link SnapshotKeeper}'s, inbound messages the {@link InboundIntake}'s, outbound ones
 * the {@link OutboundQueue}'s.
 */
final class SessionWorker {
    private static final Logger log = LoggerFactory.getLogger(SessionWorker.class);
    private static final Duration BROWSER_CALL = Duration.ofSeconds(60);
    private static final long START_SLOT_RETRY_MS = 250;
    private static final long PREPARED_RETRY_MS = 50;

    private final String name;

    private final SessionRuntime runtime;
    private final SessionStore store;
    private final RuntimeConfig config;
    private final SessionLifecycle lifecycle;
    private final Mailbox mailbox;
    private final LeaseGuard guard;
    private final SnapshotKeeper snapshots;
    private final InboundIntake intake;
    final OutboundQueue outbound;

    private volatile BrowserHost host;
    private volatile long hostGeneration;
    private volatile BrowserContext context;
    private volatile Page page;
    private long bootId;
    /** Holds one of the runtime's start slots from boot until the page shows a QR or works. */
    private final AtomicBoolean holdsStartSlot = new AtomicBoolean();

    // the lifecycle's state (see SessionLifecycle for who changes what when)
    private volatile SessionStatus status = SessionStatus.STARTING;
    private volatile String reason;
    private volatile int restarts;
    private int consecutiveFailures;
    private boolean restoredThisBoot;
    private boolean workingThisBoot;
    /** Set while a graceful stop works through the events that arrived before the page closed. */
    private volatile boolean stopping;
    /** Whether listeners heard of this worker's first status yet (the first STARTING must be announced). */
    private boolean announced;

    private volatile Instant since = Instant.now();
    private volatile String qr;
    private volatile String me;
    private volatile String pushName;
    private volatile String tenant;
    private volatile Map<String, Object> sessionConfig;
    private long disconnectedSinceNanos;

    /**
     * {@code askedAtNanos}: when the lease's acquire statement went ({@link System#nanoTime()}); the lease holds a
     * TTL from then.
     */
    SessionWorker(
            String name,
            SessionLease lease,
            long askedAtNanos,
            Session session,
            SessionRuntime runtime,
            SessionStore store,
            RuntimeConfig config) {
        this.name = name;
        this.runtime = runtime;
        this.store = store;
        this.config = config;
        this.lifecycle = new SessionLifecycle(SessionLifecycle.Policy.of(config));
        this.guard = new LeaseGuard(lease, config.leaseTtl(), askedAtNanos);
        this.mailbox = new Mailbox("session-" + name, this::dispatch, this::tick, this::mailboxFailed);
        this.snapshots = new SnapshotKeeper(
                name, store, runtime.metrics(), guard, BROWSER_CALL, why -> post(() -> leaseLost(why)));
        this.intake = new InboundIntake(this, runtime, store, guard);
        this.outbound = new OutboundQueue(this, runtime, store, config.outbound());
        this.tenant = session.tenant();
        this.sessionConfig = session.config();
        this.me = session.meId();
        this.pushName = session.mePushName();
    }

    // ---- what other threads may call -------------------------------------------------------------

    String name() {
        return name;
    }

    String tenant() {
        return tenant;
    }

    Map<String, Object> sessionConfig() {
        return sessionConfig;
    }

    SessionLease lease() {
        return guard.lease();
    }

    BrowserHost host() {
        return host;
    }

    boolean fenced() {
        return guard.fenced();
    }

    SessionStatus status() {
        return status;
    }

    Page page() {
        return page;
    }

    SessionView view() {
        return new SessionView(
                name,
                status,
                reason,
                status == SessionStatus.SCAN_QR_CODE ? qr : null,
                me,
                pushName,
                config.nodeId(),
                guard.lease().epoch(),
                restarts,
                since);
    }

    void post(Runnable action) {
        mailbox.post(action);
    }

    /** Starts the worker's threads and boots the session. */
    void start() {
        mailbox.start();
        outbound.start();
        post(this::boot);
    }

    void reloadConfig() {
        post(() -> sessionConfig = store.sessions().get(name).config());
    }

    /** Logout of a session that is not logged in: drop whatever credentials are stored. */
    void forgetCredentials() {
        post(() -> step(new Event.ForgetCredentials()));
    }

    /** The lease to renew in the next round; empty once fenced or finished. */
    Optional<SessionLease> leaseToRenew() {
        return guard.fenced() || mailbox.closed() ? Optional.empty() : Optional.of(guard.lease());
    }

    /** Until when ({@link System#nanoTime()}) this worker's page may need its lease; empty once fenced or released. */
    OptionalLong leaseHoldsUntilNanos() {
        return mailbox.closed() ? OptionalLong.empty() : guard.holdsUntilNanos();
    }

    /** The round renewed {@code asked} (taken when the round started at {@code askedAtNanos}). */
    void leaseRenewed(SessionLease asked, SessionLease renewed, long askedAtNanos) {
        guard.renewed(asked, renewed, askedAtNanos);
    }

    /** Renews this worker's lease alone, from the caller's thread; fences the worker when it was refused. */
    void renewLease() {
        if (guard.fenced() || mailbox.closed()) {
            return;
        }
        long askedAt = System.nanoTime();
        SessionLease asked = guard.lease();
        try {
            guard.renewed(asked, store.leases().renew(asked, config.leaseTtl()), askedAt);
        } catch (StoreException.StaleEpoch e) {
            leaseLost("lease renewal refused: " + e.getMessage());
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                log.warn("session {}: lease renewal failed ({}); will retry", name, e.getMessage());
            } else {
                log.warn("session {}: lease renewal failed; will retry", name, e);
            }
            checkLeaseDeadline();
        }
    }

    /** Stops the browser at once when the lease may have expired without a successful renewal. */
    void checkLeaseDeadline() {
        if (!guard.fenced() && !mailbox.closed() && guard.expired(System.nanoTime())) {
            leaseLost("lease not renewed before it expired");
        }
    }

    /**
     * The lease is gone: another node may own the session now. Close the page immediately and never
     * write again for this session (the store would refuse anyway).
     */
    void leaseLost(String why) {
        if (!guard.fence()) {
            return;
        }
        log.warn(
                "session {}: lease lost at epoch {} ({}); closing its browser context without writing",
                name,
                guard.lease().epoch(),
                why);
        closeContextNow();
        storeMessagesReceivedMeanwhile();
        finish();
        runtime.forget(this, "lease lost: " + why, false);
    }

    /**
     * A fenced worker writes nothing of the session's state, but the messages its page received before it
     * closed were delivered to this device only: they are stored (deduplicated) for the session's owner.
     */
    private void storeMessagesReceivedMeanwhile() {
        mailbox.runQueued(
                IncomingTask.class::isInstance,
                e -> log.warn("session {}: a message received before the lease was lost could not be stored", name, e));
    }

    /** An inbound message event: runs even when the worker is fenced (it then only stores the message). */
    private final class IncomingTask implements Runnable {
        private final BridgeEvent.Incoming message;

        IncomingTask(BridgeEvent.Incoming message) {
            this.message = message;
        }

        @Override
        public void run() {
            intake.receive(message, stopping);
        }
    }

    /** Graceful stop: final snapshot (when working), status, lease release. */
    CompletableFuture<Void> stop(SessionStatus finalStatus, String why, boolean gaveUp) {
        var done = new CompletableFuture<Void>();
        post(() -> {
            try {
                step(new Event.Stop(finalStatus, why, gaveUp));
            } finally {
                done.complete(null);
            }
        });
        if (mailbox.closed()) {
            done.complete(null);
        }
        return done;
    }

    void browserCrashed(BrowserHost crashed) {
        post(() -> {
            if (crashed == host && crashed.generation() != hostGeneration) {
                failure("browser crashed");
            }
        });
    }

    /** A message stored late (from the spool): the handler gets it if this session works; else its next start does. */
    void handOverStored(Message m) {
        post(() -> {
            if (status == SessionStatus.WORKING && !stopping) {
                intake.handOverRow(m);
            }
        });
    }

    /** The node found messages of this session left unhandled: hand them on (bounded retries per message). */
    void answerLeftBehind() {
        post(() -> {
            if (status == SessionStatus.WORKING && !stopping) {
                intake.resumeUnhandled();
            }
        });
    }

    // ---- mailbox ----------------------------------------------------------------------------------

    private void dispatch(Runnable r) {
        if (!guard.fenced() || r instanceof IncomingTask) {
            r.run();
        }
    }

    private void mailboxFailed(Throwable t) {
        switch (t) {
            case StoreException.StaleEpoch e -> leaseLost(e.getMessage());
            case PlaywrightException e -> {
                // a page or browser closed under an operation: a crash the crash handlers may not have seen yet
                BrowserHost h = host;
                boolean browserGone = h != null && (h.generation() != hostGeneration || !h.alive());
                log.warn("session {}: browser operation failed: {}", name, firstLine(e.getMessage()));
                if (!guard.fenced() && !mailbox.closed()) {
                    failure(browserGone ? "browser crashed" : "page closed unexpectedly: " + firstLine(e.getMessage()));
                }
            }
            case RuntimeException e
            when StoreOutage.is(e) ->
                // the database is away: the session goes on (its lease deadline still holds); what it
                // could not write is spooled where it matters (messages) or written again later
                log.warn(
                        "session {}: the database is not reachable ({}); going on without that write",
                        name,
                        firstLine(e.getMessage()));
            default -> unexpected(t);
        }
    }

    private void unexpected(Throwable t) {
        log.error("session {}: unexpected error", name, t);
        if (!guard.fenced() && !mailbox.closed()) {
            try {
                failure("internal error: " + firstLine(String.valueOf(t.getMessage())));
            } catch (RuntimeException again) {
                log.error("session {}: could not handle the failure", name, again);
            }
        }
    }

    /** Once a second: lease deadline, start timeout, connection loss, periodic snapshot. */
    private void tick() {
        if (guard.fenced()) {
            return;
        }
        checkLeaseDeadline();
        long now = System.nanoTime();
        step(new Event.Tick(
                page != null,
                Duration.between(since, Instant.now()),
                disconnectedSinceNanos == 0 ? null : Duration.ofNanos(now - disconnectedSinceNanos),
                snapshots.periodicDue(now, config.snapshotInterval()),
                jitter()));
    }

    // ---- the lifecycle ------------------------------------------------------------------------------

    private SessionLifecycle.State state() {
        return new SessionLifecycle.State(
                status,
                reason,
                restarts,
                consecutiveFailures,
                restoredThisBoot,
                workingThisBoot,
                me != null || snapshots.holdsSaved(),
                stopping,
                mailbox.closed(),
                guard.fenced());
    }

    /** Runs one transition: takes over its counters at once, then executes its actions in order. */
    private void step(Event event) {
        var t = lifecycle.on(state(), event);
        restarts = t.next().restarts();
        consecutiveFailures = t.next().consecutiveFailures();
        workingThisBoot = t.next().workingThisBoot();
        for (Action a : t.actions()) {
            execute(a);
        }
    }

    private void failure(String why) {
        step(new Event.Failure(why, jitter()));
    }

    private static double jitter() {
        return ThreadLocalRandom.current().nextDouble();
    }

    private void execute(Action action) {
        switch (action) {
            case Action.Announce a -> setStatus(a.status(), a.reason());
            case Action.NoteReason n -> reason = n.reason();
            case Action.NoteRestored r -> restoredThisBoot = r.restored();
            case Action.LoadHistoryFloor ignored ->
                // history the page holds is stored only from the link on (a fresh link: from when it works)
                intake.historyFloor(
                        restoredThisBoot ? store.sessions().linkedAt(name).orElse(null) : null);
            case Action.ReleaseStartSlot ignored -> releaseStartSlot();
            case Action.CloseContext ignored -> closeContextNow();
            case Action.FailPendingSends f -> outbound.failPending(f.why());
            case Action.GiveUp g ->
                log.warn("session {}: {} consecutive failures, last: {}; giving up", name, g.failures(), g.why());
            case Action.ScheduleRestart r -> {
                log.warn(
                        "session {}: {}; restarting in {} ms (failure {} of {})",
                        name,
                        r.why(),
                        r.delay().toMillis(),
                        r.failure(),
                        r.of());
                scheduleBoot(r.delay().toMillis(), ++bootId);
            }
            case Action.ShowQr q -> qr = q.ref();
            case Action.PublishQr q -> runtime.notifyQr(name, q.ref());
            case Action.RecordAccount r -> recordAccount(r.me(), r.pushName());
            case Action.SaveSnapshot ignored -> snapshots.saveNow(host, context);
            case Action.SaveFinalSnapshot ignored -> {
                try {
                    snapshots.saveNow(host, context);
                } catch (RuntimeException e) {
                    if (StoreOutage.is(e) || e instanceof PlaywrightException) {
                        log.warn("session {}: final snapshot failed: {}", name, firstLine(e.getMessage()));
                    } else {
                        log.warn("session {}: final snapshot failed", name, e);
                    }
                }
            }
            case Action.SnapshotInBackground ignored -> snapshots.saveInBackground(host, context);
            case Action.ResumeWork ignored -> {
                outbound.wake();
                intake.resumeUnhandled();
            }
            case Action.WipeCredentials w -> wipeCredentials(w.loggedOut());
            case Action.ClearQr ignored -> qr = null;
            case Action.StoreLeftovers ignored -> storeLeftoverMessages();
            case Action.StopAndRelease s -> {
                if (!guard.fenced()) {
                    try {
                        setStatus(s.status(), s.reason());
                        store.leases().release(guard.lease());
                        guard.released();
                    } catch (StoreException.StaleEpoch e) {
                        guard.fence();
                    }
                }
            }
            case Action.Finish ignored -> finish();
            case Action.Leave l -> runtime.forget(this, l.why(), l.gaveUp());
        }
    }

    // ---- boot -----------------------------------------------------------------------------------------

    private void boot() {
        if (!SessionLifecycle.mayBoot(state())) {
            return;
        }
        if (!holdsStartSlot.get() && runtime.prepared().preparing(name)) {
            // its context is still being prepared on the browser's thread: wait without holding a start slot
            // that a session whose context is ready could use
            scheduleBoot(PREPARED_RETRY_MS, bootId);
            return;
        }
        // a takeover prepared ahead opens its page without a slot (why: SessionRuntime.START_SLOTS)
        if (!holdsStartSlot.get() && !runtime.prepared().ready(name)) {
            if (!runtime.startSlots().tryAcquire()) {
                // every start slot is busy opening a page: try again shortly, leaving the mailbox free
                scheduleBoot(START_SLOT_RETRY_MS, bootId);
                return;
            }
            holdsStartSlot.set(true);
        }
        bootId++;
        disconnectedSinceNanos = 0;
        step(new Event.Boot());
        Session session = store.sessions().get(name);
        tenant = session.tenant();
        sessionConfig = session.config();

        String storageState = null;
        String snapshotProblem = null;
        try {
            var snapshot = store.snapshots().latest(name);
            if (snapshot.isPresent()) {
                storageState = new String(snapshot.get().state(), StandardCharsets.UTF_8);
                snapshots.restored(snapshot.get().state());
            }
        } catch (StoreException.SnapshotIntegrity | StoreException.UnknownMasterKey e) {
            snapshotProblem = "the stored auth snapshot could not be used (" + e.getMessage() + "); scan the QR again";
        }
        step(new Event.Restored(storageState != null, snapshotProblem));

        host = runtime.pool().assign(name);
        hostGeneration = host.generation();
        long myBoot = bootId;
        String state = storageState;
        var prepared = state == null
                ? Optional.<PreparedPages.Prepared>empty()
                : runtime.prepared().take(name, state, host);
        // parsed here, not on the browser's thread, which serves every page of its browser
        var snapshot = prepared.isPresent() ? null : StorageRestore.split(state);
        host.call(
                browser -> {
                    openPage(browser, snapshot, prepared, myBoot);
                    return null;
                },
                BROWSER_CALL);
    }

    /** Boots after {@code delayMs} unless another boot came first; the one place that schedules boots. */
    private void scheduleBoot(long delayMs, long myBoot) {
        try {
            runtime.scheduler()
                    .schedule(
                            () -> post(() -> {
                                if (bootId == myBoot) {
                                    boot();
                                }
                            }),
                            delayMs,
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finish(); // the runtime is shutting down
        }
    }

    /** A session's browser context, with {@code snapshot} restored when not null; on the browser's thread. */
    static BrowserContext newContext(Browser browser, BrowserHost host, StorageRestore.Split snapshot) {
        var options = new Browser.NewContextOptions()
                .setUserAgent(WhatsAppBridge.userAgent(host.version()))
                .setViewportSize(1280, 800);
        return StorageRestore.newContext(browser, options, snapshot);
    }

    /** Opens WhatsApp Web in a new context, or in the one prepared for this takeover with the same snapshot. */
    private void openPage(
            Browser browser, StorageRestore.Split snapshot, Optional<PreparedPages.Prepared> prepared, long myBoot) {
        Consumer<BridgeEvent> sink = event -> {
            if (event instanceof BridgeEvent.Incoming m) {
                post(new IncomingTask(m)); // whichever page of this session received it: it must be stored
            } else {
                post(() -> {
                    if (bootId == myBoot) {
                        onEvent(event);
                    }
                });
            }
        };
        if (prepared.isPresent()) {
            context = prepared.get().context();
            page = prepared.get().page();
            prepared.get().sink().set(sink);
        } else {
            context = newContext(browser, host, snapshot);
            page = WhatsAppBridge.newPage(context, sink);
        }
        host.track(page);
        page.onCrash(p -> post(() -> {
            if (bootId == myBoot) {
                onEvent(new BridgeEvent.PageCrashed("the page crashed"));
            }
        }));
        WhatsAppBridge.open(page, config.waUrl());
    }

    // ---- bridge events -------------------------------------------------------------------------------

    private void onEvent(BridgeEvent event) {
        if (stopping && !(event instanceof BridgeEvent.Incoming)) {
            return;
        }
        switch (event) {
            case BridgeEvent.Qr q -> step(new Event.Qr(q.ref()));
            case BridgeEvent.QrIdle ignored -> step(new Event.QrIdle());
            case BridgeEvent.Ready r -> step(new Event.Ready(r.me(), r.pushName()));
            case BridgeEvent.StateChanged s -> onState(s);
            case BridgeEvent.Incoming m -> intake.receive(m, stopping);
            case BridgeEvent.Ack a -> onAck(a);
            case BridgeEvent.Sent s -> outbound.sent(s.reqId(), s.id());
            case BridgeEvent.SendFailed f -> outbound.refused(f.reqId(), f.error());
            case BridgeEvent.Logout ignored -> step(new Event.LoggedOut());
            case BridgeEvent.LoggedOut ignored -> step(new Event.LoggedOut());
            case BridgeEvent.PageCrashed c -> step(new Event.PageFailed(c.reason(), jitter()));
            case BridgeEvent.LoadFailed f ->
                step(new Event.PageFailed("WhatsApp Web did not load: " + f.error(), jitter()));
            case BridgeEvent.PairingCode ignored -> {
                // the code is read where it was requested
            }
            case BridgeEvent.Hooked ignored -> {}
        }
    }

    private void onState(BridgeEvent.StateChanged s) {
        switch (s.state()) {
            case "CONNECTED" -> disconnectedSinceNanos = 0;
            case "CONFLICT" ->
                step(new Event.PageFailed(
                        "WhatsApp reports this session open in another browser (conflict)", jitter()));
            case "TIMEOUT", "OPENING", "PAIRING" -> {
                if (status == SessionStatus.WORKING && disconnectedSinceNanos == 0) {
                    disconnectedSinceNanos = System.nanoTime();
                }
            }
            case "UNLAUNCHED", "PROXYBLOCK", "TOS_BLOCK", "SMB_TOS_BLOCK", "DEPRECATED_VERSION" ->
                step(new Event.PageFailed("WhatsApp Web refuses to run: " + s.state(), jitter()));
            default -> {
                // UNPAIRED / UNPAIRED_IDLE come with the QR events
            }
        }
    }

    private void recordAccount(String account, String accountName) {
        disconnectedSinceNanos = 0;
        if (account != null && !account.equals(me) && Validation.isUserWid(account)) {
            store.sessions().recordMe(guard.lease(), account, accountName);
            me = account;
            pushName = accountName;
        }
        if (intake.historyFloor() == null) {
            intake.historyFloor(store.sessions().linkedAt(name).orElse(Instant.now()));
        }
        qr = null;
        log.info(
                "session {}: WORKING {} {} ms after the start",
                name,
                restoredThisBoot ? "from its snapshot" : "after linking",
                Duration.between(since, Instant.now()).toMillis());
    }

    private void onAck(BridgeEvent.Ack a) {
        if (a.id() == null) {
            return;
        }
        store.messages()
                .updateAck(guard.lease(), a.id(), Math.max(-1, Math.min(4, a.ack())))
                .ifPresent(msg -> runtime.notifyOutbound(name, msg));
    }

    // ---- executing actions ---------------------------------------------------------------------------

    /** Discards the stored snapshot and account; the one place credentials are wiped. */
    private void wipeCredentials(String loggedOut) {
        if (loggedOut != null) {
            log.info("session {}: {}", name, loggedOut);
        }
        snapshots.awaitInFlight();
        store.snapshots().discard(guard.lease());
        store.sessions().clearMe(guard.lease());
        snapshots.forget();
        me = null;
        pushName = null;
    }

    /**
     * A message can reach the page while the session stops (WhatsApp counts it delivered to this device);
     * its event then waits in the mailbox behind the stop. Store those messages, unhandled, for the next
     * owner, instead of dropping them with the mailbox.
     */
    private void storeLeftoverMessages() {
        if (guard.fenced()) {
            return;
        }
        stopping = true;
        mailbox.runAllQueued(e -> {
            if (StoreOutage.is(e)) {
                log.warn("session {}: an event that arrived while stopping failed: {}", name, e.getMessage());
            } else {
                log.warn("session {}: an event that arrived while stopping failed", name, e);
            }
        });
    }

    private void finish() {
        mailbox.close();
        releaseStartSlot();
        outbound.close();
        outbound.failPending(SessionLifecycle.STOPPED);
    }

    private void releaseStartSlot() {
        if (holdsStartSlot.compareAndSet(true, false)) {
            runtime.startSlots().release();
        }
    }

    private void closeContextNow() {
        BrowserHost h = host;
        BrowserContext ctx = context;
        context = null;
        page = null;
        if (h == null || ctx == null) {
            return;
        }
        try {
            h.call(
                    b -> {
                        try {
                            ctx.close();
                        } catch (PlaywrightException ignored) {
                            // the browser is already gone
                        }
                        return null;
                    },
                    Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            // a browser that is gone or hangs is routine here: the context goes with it
            log.warn("session {}: closing its context failed: {}", name, firstLine(e.getMessage()));
        }
    }

    private void setStatus(SessionStatus next, String why) {
        if (guard.fenced()) {
            return;
        }
        if (next != SessionStatus.STARTING) {
            releaseStartSlot(); // the page is open: it shows a QR, works, or the session ended
        }
        boolean changed = !announced || next != status || !Objects.equals(why, reason);
        announced = true;
        store.sessions().recordStatus(guard.lease(), next, why);
        if (next != status) {
            since = Instant.now();
        }
        status = next;
        reason = why;
        if (changed) {
            runtime.notifyStatus(view());
        }
    }

    /** Playwright errors carry whole browser logs; a status reason needs the first line. */
    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
