package io.wagw.node.session;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import io.wagw.node.bridge.BridgeEvent;
import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.BrowserHost;
import io.wagw.node.message.InboundMessage;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.StoreFailures;
import io.wagw.store.StoreOutage;
import io.wagw.store.Validation;
import io.wagw.store.lease.SessionLease;
import io.wagw.store.message.InboundRecord;
import io.wagw.store.message.Message;
import io.wagw.store.message.MessageStatus;
import io.wagw.store.session.Session;
import io.wagw.store.session.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running session on this node: its lease, its browser context and page, its status machine.
 * Every state change runs on the worker's own mailbox thread (a virtual thread), one at a time;
 * Playwright calls go to the owning browser's thread; bridge events arrive from there and are posted
 * to the mailbox. Once the lease is lost the worker is fenced: it closes its context and writes nothing.
 */
final class SessionWorker {
    private static final Logger log = LoggerFactory.getLogger(SessionWorker.class);
    private static final Duration BROWSER_CALL = Duration.ofSeconds(60);
    private static final long START_SLOT_RETRY_MS = 250;
    /** The page leaves WhatsApp this long before the lease could expire (covers the answer's way to the page). */
    private static final Duration PAGE_MARGIN = Duration.ofSeconds(2);
    /** How often a message left unhandled is handed on again before the session gives up on it. */
    private static final int MAX_ANSWER_ATTEMPTS = 3;

    private static final BrowserContext.StorageStateOptions STATE_WITH_INDEXED_DB =
            new BrowserContext.StorageStateOptions().setIndexedDB(true);

    private final String name;
    private final SessionRuntime runtime;
    private final SessionStore store;
    private final RuntimeConfig config;
    private final LinkedBlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean fenced = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    final OutboundQueue outbound;
    /** Send requests handed to the page, by request id: the pending message row and who waits for it. */
    record PendingSend(Message pending, CompletableFuture<Message> result) {
        long messageId() {
            return pending.id();
        }
    }

    final Map<String, PendingSend> pendingSends = new ConcurrentHashMap<>();

    private volatile SessionLease lease;
    private volatile long leaseValidUntilNanos;
    private volatile BrowserHost host;
    private volatile long hostGeneration;
    private volatile SessionStatus status = SessionStatus.STARTING;
    /** Whether listeners heard of this worker's first status yet (the first STARTING must be announced). */
    private boolean announced;

    private volatile String reason;
    private volatile String qr;
    private volatile String me;
    private volatile String pushName;
    private volatile Instant since = Instant.now();
    private volatile int restarts;
    private volatile String tenant;
    private volatile Map<String, Object> sessionConfig = Map.of();

    private volatile BrowserContext context;
    private volatile Page page;
    private long bootId;
    /** WhatsApp ids with the handler now (until marked handled or left unhandled): never handed on twice. */
    private final Set<String> handedOver = ConcurrentHashMap.newKeySet();
    /** How often each message left unhandled was handed on again by this worker (bounded by MAX_ANSWER_ATTEMPTS). */
    private final Map<String, Integer> answerAttempts = new ConcurrentHashMap<>();
    /** Set while a graceful stop works through the events that arrived before the page closed. */
    private volatile boolean stopping;
    /** Holds one of the runtime's start slots from boot until the page shows a QR or works. */
    private final AtomicBoolean holdsStartSlot = new AtomicBoolean();

    private boolean restoredThisBoot;
    /** Messages the page did not receive live are stored only from here on (the link); null: none yet. */
    private volatile Instant historyFloor;

    private boolean workingThisBoot;
    private int consecutiveFailures;
    /** Hash of the newest saved state; also written by the background saver, after its save. */
    private volatile byte[] lastSnapshotHash;

    private long lastSnapshotNanos;
    /** The periodic snapshot under way, if any (captured by the browser thread, saved off the mailbox). */
    private CompletableFuture<Void> snapshotInFlight = CompletableFuture.completedFuture(null);

    private long disconnectedSinceNanos;

    SessionWorker(
            String name,
            SessionLease lease,
            Session session,
            SessionRuntime runtime,
            SessionStore store,
            RuntimeConfig config) {
        this.name = name;
        this.lease = lease;
        this.leaseValidUntilNanos = System.nanoTime() + config.leaseTtl().toNanos();
        this.runtime = runtime;
        this.store = store;
        this.config = config;
        this.tenant = session.tenant();
        this.sessionConfig = session.config();
        this.me = session.meId();
        this.pushName = session.mePushName();
        this.outbound = new OutboundQueue(this, store, config.outbound());
        Thread.ofVirtual().name("session-" + name).start(this::drain);
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
        return lease;
    }

    BrowserHost host() {
        return host;
    }

    boolean fenced() {
        return fenced.get();
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
                lease.epoch(),
                restarts,
                since);
    }

    void post(Runnable action) {
        if (!finished.get()) {
            mailbox.add(action);
        }
    }

    void start() {
        post(this::boot);
    }

    void reloadConfig() {
        post(() -> sessionConfig = store.sessions().get(name).config());
    }

    /** Logout of a session that is not logged in: drop whatever credentials are stored. */
    void forgetCredentials() {
        post(() -> {
            awaitSnapshotInFlight();
            store.snapshots().discard(lease);
            store.sessions().clearMe(lease);
            lastSnapshotHash = null;
            me = null;
            pushName = null;
        });
    }

    /** The lease to renew in the next round; empty once fenced or finished. */
    Optional<SessionLease> leaseToRenew() {
        return fenced.get() || finished.get() ? Optional.empty() : Optional.of(lease);
    }

    /** The round renewed {@code asked} (taken when the round started at {@code askedAtNanos}). */
    void leaseRenewed(SessionLease asked, SessionLease renewed, long askedAtNanos) {
        if (lease == asked && !fenced.get()) {
            lease = renewed;
            leaseValidUntilNanos = askedAtNanos + config.leaseTtl().toNanos();
        }
    }

    /** Renews this worker's lease alone, from the caller's thread; fences the worker when it was refused. */
    void renewLease() {
        if (fenced.get() || finished.get()) {
            return;
        }
        long askedAt = System.nanoTime();
        SessionLease asked = lease;
        try {
            leaseRenewed(asked, store.leases().renew(asked, config.leaseTtl()), askedAt);
        } catch (StoreException.StaleEpoch e) {
            leaseLost("lease renewal refused: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("session {}: lease renewal failed ({}); will retry", name, e.getMessage());
            checkLeaseDeadline();
        }
    }

    /** Stops the browser at once when the lease may have expired without a successful renewal. */
    void checkLeaseDeadline() {
        if (!fenced.get() && !finished.get() && System.nanoTime() > leaseValidUntilNanos) {
            leaseLost("lease not renewed before it expired");
        }
    }

    /**
     * The lease is gone: another node may own the session now. Close the page immediately and never
     * write again for this session (the store would refuse anyway).
     */
    void leaseLost(String why) {
        if (!fenced.compareAndSet(false, true)) {
            return;
        }
        log.warn(
                "session {}: lease lost at epoch {} ({}); closing its browser context without writing",
                name,
                lease.epoch(),
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
        for (Runnable r : mailbox.toArray(Runnable[]::new)) {
            if (r instanceof IncomingTask task && mailbox.remove(task)) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("session {}: a message received before the lease was lost could not be stored", name, e);
                }
            }
        }
    }

    /** An inbound message event: runs even when the worker is fenced (it then only stores the message). */
    private final class IncomingTask implements Runnable {
        private final BridgeEvent.Incoming message;

        IncomingTask(BridgeEvent.Incoming message) {
            this.message = message;
        }

        @Override
        public void run() {
            onIncoming(message);
        }
    }

    /** Graceful stop: final snapshot (when working), status, lease release. */
    CompletableFuture<Void> stop(SessionStatus finalStatus, String why, boolean gaveUp) {
        var done = new CompletableFuture<Void>();
        post(() -> {
            try {
                stopNow(finalStatus, why, gaveUp);
            } finally {
                done.complete(null);
            }
        });
        if (finished.get()) {
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

    // ---- mailbox ----------------------------------------------------------------------------------

    private void drain() {
        while (!finished.get()) {
            try {
                Runnable r = mailbox.poll(1, TimeUnit.SECONDS);
                if (r == null) {
                    tick();
                    continue;
                }
                if (!fenced.get() || r instanceof IncomingTask) {
                    r.run();
                }
            } catch (InterruptedException e) {
                return;
            } catch (StoreException.StaleEpoch e) {
                leaseLost(e.getMessage());
            } catch (PlaywrightException e) {
                // a page or browser closed under an operation: a crash the crash handlers may not have seen yet
                BrowserHost h = host;
                boolean browserGone = h != null && (h.generation() != hostGeneration || !h.alive());
                log.warn("session {}: browser operation failed: {}", name, firstLine(e.getMessage()));
                if (!fenced.get() && !finished.get()) {
                    failure(browserGone ? "browser crashed" : "page closed unexpectedly: " + firstLine(e.getMessage()));
                }
            } catch (RuntimeException e) {
                if (StoreOutage.is(e)) {
                    // the database is away: the session goes on (its lease deadline still holds); what it
                    // could not write is spooled where it matters (messages) or written again later
                    log.warn(
                            "session {}: the database is not reachable ({}); going on without that write",
                            name,
                            firstLine(e.getMessage()));
                } else {
                    unexpected(e);
                }
            } catch (Throwable t) {
                unexpected(t);
            }
        }
    }

    private void unexpected(Throwable t) {
        log.error("session {}: unexpected error", name, t);
        if (!fenced.get() && !finished.get()) {
            try {
                failure("internal error: " + firstLine(String.valueOf(t.getMessage())));
            } catch (RuntimeException again) {
                log.error("session {}: could not handle the failure", name, again);
            }
        }
    }

    /** Once a second: start timeout, connection loss, periodic snapshot. */
    private void tick() {
        if (fenced.get()) {
            return;
        }
        checkLeaseDeadline();
        long now = System.nanoTime();
        if (status == SessionStatus.STARTING
                && page != null
                && Duration.between(since, Instant.now()).compareTo(config.startTimeout()) > 0) {
            failure("WhatsApp Web did not show a QR or become ready within "
                    + config.startTimeout().toSeconds() + " s");
            return;
        }
        if (status == SessionStatus.WORKING
                && disconnectedSinceNanos != 0
                && now - disconnectedSinceNanos > config.connectionLossGrace().toNanos()) {
            failure("connection to WhatsApp lost for more than "
                    + config.connectionLossGrace().toSeconds() + " s");
            return;
        }
        if (status == SessionStatus.WORKING
                && now - lastSnapshotNanos > config.snapshotInterval().toNanos()
                && snapshotInFlight.isDone()) {
            snapshotInBackground();
        }
    }

    private void boot() {
        if (finished.get() || stopping) {
            return;
        }
        if (!holdsStartSlot.get()) {
            if (!runtime.startSlots().tryAcquire()) {
                // every start slot is busy opening a page: try again shortly, leaving the mailbox free
                long myBoot = bootId;
                try {
                    runtime.scheduler()
                            .schedule(
                                    () -> post(() -> {
                                        if (bootId == myBoot) {
                                            boot();
                                        }
                                    }),
                                    START_SLOT_RETRY_MS,
                                    TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    finish(); // the runtime is shutting down
                }
                return;
            }
            holdsStartSlot.set(true);
        }
        bootId++;
        restoredThisBoot = false;
        workingThisBoot = false;
        disconnectedSinceNanos = 0;
        setStatus(SessionStatus.STARTING, restarts == 0 ? null : reason);
        Session session = store.sessions().get(name);
        tenant = session.tenant();
        sessionConfig = session.config();

        String storageState = null;
        String snapshotProblem = null;
        try {
            var snapshot = store.snapshots().latest(name);
            if (snapshot.isPresent()) {
                storageState = new String(snapshot.get().state(), StandardCharsets.UTF_8);
                lastSnapshotHash = sha256(snapshot.get().state());
            }
        } catch (StoreException.SnapshotIntegrity | StoreException.UnknownMasterKey e) {
            snapshotProblem = "the stored auth snapshot could not be used (" + e.getMessage() + "); scan the QR again";
        }
        restoredThisBoot = storageState != null;
        // history the page holds is stored only from the link on (a fresh link: from when it works)
        historyFloor = restoredThisBoot ? store.sessions().linkedAt(name).orElse(null) : null;
        if (snapshotProblem != null) {
            reason = snapshotProblem;
        }

        host = runtime.pool().assign(name);
        hostGeneration = host.generation();
        long myBoot = bootId;
        String state = storageState;
        host.call(
                browser -> {
                    openPage(browser, state, myBoot);
                    return null;
                },
                BROWSER_CALL);
    }

    private void openPage(Browser browser, String storageState, long myBoot) {
        var options = new Browser.NewContextOptions()
                .setUserAgent(WhatsAppBridge.userAgent(host.version()))
                .setViewportSize(1280, 800);
        if (storageState != null) {
            options.setStorageState(storageState);
        }
        context = browser.newContext(options);
        WhatsAppBridge.install(
                context,
                event -> {
                    if (event instanceof BridgeEvent.Incoming m) {
                        post(new IncomingTask(m)); // whichever page of this session received it: it must be stored
                    } else {
                        post(() -> {
                            if (bootId == myBoot) {
                                onEvent(event);
                            }
                        });
                    }
                },
                this::pageMayStayMs);
        page = context.newPage();
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
            case BridgeEvent.Qr q -> onQr(q.ref());
            case BridgeEvent.QrIdle ignored -> {
                if (status == SessionStatus.SCAN_QR_CODE) {
                    stopNow(SessionStatus.STOPPED, "the QR code was not scanned in time", true);
                }
            }
            case BridgeEvent.Ready r -> onReady(r);
            case BridgeEvent.StateChanged s -> onState(s);
            case BridgeEvent.Incoming m -> onIncoming(m);
            case BridgeEvent.Ack a -> onAck(a);
            case BridgeEvent.Sent s ->
                Optional.ofNullable(pendingSends.remove(s.reqId())).ifPresent(p -> onSent(p, s.id()));
            case BridgeEvent.SendFailed f ->
                Optional.ofNullable(pendingSends.remove(f.reqId())).ifPresent(p -> onSendFailed(p, f.error()));
            case BridgeEvent.Logout ignored -> onLoggedOut();
            case BridgeEvent.LoggedOut ignored -> onLoggedOut();
            case BridgeEvent.PageCrashed c -> failure(c.reason());
            // the JVM stalled past the page's deadline; if the lease survived, start over from the snapshot
            case BridgeEvent.Fenced ignored -> failure("the page left WhatsApp because lease renewals stalled");
            case BridgeEvent.PairingCode ignored -> {
                // the code is read where it was requested
            }
            case BridgeEvent.Hooked ignored -> {}
        }
    }

    private void onQr(String ref) {
        if (ref == null || ref.isBlank()) {
            return;
        }
        if (status == SessionStatus.WORKING) {
            return; // handled by the logout events
        }
        qr = ref;
        if (status != SessionStatus.SCAN_QR_CODE) {
            String why = restoredThisBoot && reason == null
                    ? "the stored credentials no longer log in (WhatsApp shows a QR); scan it again"
                    : reason;
            setStatus(SessionStatus.SCAN_QR_CODE, why);
        }
        runtime.notifyQr(name, ref);
    }

    private void onReady(BridgeEvent.Ready r) {
        consecutiveFailures = 0;
        workingThisBoot = true;
        disconnectedSinceNanos = 0;
        if (r.me() != null && !r.me().equals(me) && Validation.isUserWid(r.me())) {
            store.sessions().recordMe(lease, r.me(), r.pushName());
            me = r.me();
            pushName = r.pushName();
        }
        if (historyFloor == null) {
            historyFloor = store.sessions().linkedAt(name).orElse(Instant.now());
        }
        qr = null;
        log.info(
                "session {}: WORKING {} {} ms after the start",
                name,
                restoredThisBoot ? "from its snapshot" : "after linking",
                Duration.between(since, Instant.now()).toMillis());
        setStatus(SessionStatus.WORKING, null);
        saveSnapshot();
        outbound.wake();
        resumeUnhandled();
    }

    private void onState(BridgeEvent.StateChanged s) {
        switch (s.state()) {
            case "CONNECTED" -> disconnectedSinceNanos = 0;
            case "CONFLICT" -> failure("WhatsApp reports this session open in another browser (conflict)");
            case "TIMEOUT", "OPENING", "PAIRING" -> {
                if (status == SessionStatus.WORKING && disconnectedSinceNanos == 0) {
                    disconnectedSinceNanos = System.nanoTime();
                }
            }
            case "UNLAUNCHED", "PROXYBLOCK", "TOS_BLOCK", "SMB_TOS_BLOCK", "DEPRECATED_VERSION" ->
                failure("WhatsApp Web refuses to run: " + s.state());
            default -> {
                // UNPAIRED / UNPAIRED_IDLE come with the QR events
            }
        }
    }

    private void onIncoming(BridgeEvent.Incoming m) {
        if (m.id() == null || m.from() == null) {
            return;
        }
        String chatId = m.from();
        if (!Validation.isChatId(chatId)) {
            return; // status broadcasts and other non-chat senders
        }
        Instant at = m.t() > 0 ? Instant.ofEpochSecond(m.t()) : Instant.now();
        if (m.history() && !recentSinceLink(at)) {
            return; // synced history from before the link, or too old to answer
        }
        String body =
                "chat".equals(m.msgType()) ? m.body() : "[" + (m.msgType() == null ? "unknown" : m.msgType()) + "]";
        // Persist first (deduplicated by WhatsApp id); only a new row goes further.
        boolean text = "chat".equals(m.msgType()); // only texts go to the handler; the rest is stored handled
        var record = new InboundRecord(name, chatId, m.id(), body, at, text);
        Optional<Message> stored;
        try {
            stored = runtime.inbound().record(record);
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                // the store refused this one message: failing the session would not bring it back
                log.warn(
                        "session {}: an inbound message was refused by the store and dropped: {}",
                        name,
                        StoreFailures.summary(e));
                return;
            }
            // WhatsApp counts it delivered to this device: nothing brings it back, so it waits on disk
            if (runtime.spoolInbound(tenant, record)) {
                log.warn("session {}: the database is away; an inbound message waits in the spool", name);
            }
            return;
        }
        if (stored.isEmpty() || fenced.get()) {
            return; // a duplicate; or stored by a worker that lost the lease, for the owner to answer
        }
        if (text && !stopping) {
            handOver(
                    new InboundMessage(
                            name, tenant, chatId, m.id(), stored.get().body(), m.notifyName(), at),
                    m.pageAtMillis());
        } // a text arriving while the session stops stays unhandled, for the session's next owner
        runtime.usage().inbound(tenant);
        runtime.notifyMessage(name, stored.get());
    }

    /**
     * Whether a message the page did not receive live belongs to the assistant: written after the number was
     * linked (WhatsApp's timestamps have whole seconds) and within the window in which messages are answered.
     */
    private boolean recentSinceLink(Instant at) {
        Instant floor = historyFloor;
        return floor != null
                && !at.isBefore(floor.truncatedTo(ChronoUnit.SECONDS))
                && at.isAfter(Instant.now().minus(SessionRuntime.UNHANDLED_WINDOW));
    }

    /** A message stored late (from the spool): the handler gets it if this session works; else its next start does. */
    void handOverStored(Message m) {
        post(() -> {
            if (status == SessionStatus.WORKING && !stopping) {
                handOverRow(m);
            }
        });
    }

    /** The node found messages of this session left unhandled: hand them on (bounded retries per message). */
    void answerLeftBehind() {
        post(() -> {
            if (status == SessionStatus.WORKING && !stopping) {
                resumeUnhandled();
            }
        });
    }

    /** Hands on a message read back from the store (written when WhatsApp says, else when stored). */
    private void handOverRow(Message m) {
        Instant at = m.waTimestamp() != null ? m.waTimestamp() : m.createdAt();
        handOver(new InboundMessage(name, tenant, m.chatId(), m.waMessageId(), m.body(), null, at), 0);
    }

    private void handOver(InboundMessage message, long pageAtMillis) {
        if (handedOver.add(message.waMessageId())) {
            runtime.handle(this, message, pageAtMillis)
                    .whenComplete((v, e) -> handedOver.remove(message.waMessageId()));
        }
    }

    /**
     * Hands on the messages stored but left unanswered, by this node or a previous owner: a session that
     * moved while a message came in, or a node that died before replying.
     */
    private void resumeUnhandled() {
        // answered-marks still in the spool first, so that nothing answered is answered again; while the
        // spool cannot be stored, answer nothing (the node's sweep tries again)
        runtime.drainSpoolQuietly();
        if (runtime.spool().pending() > 0) {
            return;
        }
        // Taken before the query: a message handled meanwhile was marked in the store before it left this
        // set, so one the query still returns unhandled and that is not in the copy was never handed on.
        Set<String> withHandler = Set.copyOf(handedOver);
        for (Message m : store.messages().unhandledInbound(name, SessionRuntime.UNHANDLED_WINDOW)) {
            if (withHandler.contains(m.waMessageId())) {
                continue;
            }
            int attempt = answerAttempts.merge(m.waMessageId(), 1, Integer::sum);
            if (attempt > MAX_ANSWER_ATTEMPTS) {
                if (attempt == MAX_ANSWER_ATTEMPTS + 1) {
                    log.warn(
                            "session {}: message {} is still unanswered after {} attempts; leaving it",
                            name,
                            m.waMessageId(),
                            MAX_ANSWER_ATTEMPTS);
                }
                continue;
            }
            log.info("session {}: answering message {} left unhandled", name, m.waMessageId());
            handOverRow(m);
        }
    }

    // Recorded here, in the mailbox, so that the message's acks (which follow in the mailbox) find its id.
    private void onSent(PendingSend p, String waId) {
        Message sent;
        try {
            sent = store.messages().markSent(lease, p.messageId(), waId, 0, Instant.now());
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                throw e;
            }
            // it went out: say so to whoever waits (a reply must not be sent again); its row stays pending
            log.warn("session {}: message {} was sent but the database is away; its record stays pending", name, waId);
            Message row = p.pending();
            Instant now = Instant.now();
            sent = new Message(
                    row.id(),
                    name,
                    row.chatId(),
                    Message.Direction.OUT,
                    waId,
                    row.body(),
                    MessageStatus.SENT,
                    0,
                    row.epoch(),
                    null,
                    now,
                    row.createdAt(),
                    now);
            p.result().complete(sent);
            return;
        }
        runtime.usage().outbound(tenant);
        runtime.notifyOutbound(name, sent);
        p.result().complete(sent);
    }

    private void onSendFailed(PendingSend p, String error) {
        Message failed = store.messages().markFailed(lease, p.messageId(), "WhatsApp Web refused the send: " + error);
        runtime.notifyOutbound(name, failed);
        p.result()
                .completeExceptionally(
                        SessionRuntimeException.sendFailed("chatId", "WhatsApp Web refused the send: " + error));
    }

    private void onAck(BridgeEvent.Ack a) {
        if (a.id() == null) {
            return;
        }
        store.messages()
                .updateAck(lease, a.id(), Math.max(-1, Math.min(4, a.ack())))
                .ifPresent(msg -> runtime.notifyOutbound(name, msg));
    }

    private void onLoggedOut() {
        if (status == SessionStatus.SCAN_QR_CODE && me == null && lastSnapshotHash == null) {
            return; // already waiting for a scan with nothing to forget
        }
        // Before this boot ever worked, a logout means WhatsApp refused the restored credentials.
        String why = restoredThisBoot && !workingThisBoot
                ? "the stored credentials no longer log in (WhatsApp logged the device out); scan the QR again"
                : "logged out from the phone; scan the QR to link again";
        log.info("session {}: {}", name, why);
        awaitSnapshotInFlight();
        store.snapshots().discard(lease);
        store.sessions().clearMe(lease);
        lastSnapshotHash = null;
        me = null;
        pushName = null;
        qr = null;
        restoredThisBoot = false;
        if (config.logoutStops()) {
            stopNow(SessionStatus.STOPPED, why, true);
        } else {
            setStatus(SessionStatus.SCAN_QR_CODE, why);
        }
    }

    // ---- failures, restarts, stop --------------------------------------------------------------------

    private void failure(String why) {
        if (finished.get() || fenced.get()) {
            return;
        }
        consecutiveFailures++;
        restarts++;
        releaseStartSlot();
        closeContextNow();
        failPendingSends(why);
        if (consecutiveFailures >= config.maxConsecutiveFailures()) {
            log.warn("session {}: {} consecutive failures, last: {}; giving up", name, consecutiveFailures, why);
            stopNow(SessionStatus.FAILED, why + " (" + consecutiveFailures + " failures in a row)", true);
            return;
        }
        Duration delay = Backoff.delay(
                consecutiveFailures,
                config.restartBackoffBase(),
                config.restartBackoffMax(),
                ThreadLocalRandom.current().nextDouble());
        log.warn(
                "session {}: {}; restarting in {} ms (failure {} of {})",
                name,
                why,
                delay.toMillis(),
                consecutiveFailures,
                config.maxConsecutiveFailures());
        setStatus(
                SessionStatus.STARTING,
                "restarting after: %s (failure %d of %d)"
                        .formatted(why, consecutiveFailures, config.maxConsecutiveFailures()));
        long myBoot = ++bootId;
        try {
            runtime.scheduler()
                    .schedule(
                            () -> post(() -> {
                                if (bootId == myBoot) {
                                    boot();
                                }
                            }),
                            delay.toMillis(),
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finish(); // the runtime is shutting down
        }
    }

    private void stopNow(SessionStatus finalStatus, String why, boolean gaveUp) {
        if (finished.get() || stopping) {
            return;
        }
        if (status == SessionStatus.WORKING && !fenced.get()) {
            try {
                saveSnapshot();
            } catch (RuntimeException e) {
                log.warn("session {}: final snapshot failed: {}", name, e.getMessage());
            }
        }
        closeContextNow();
        storeLeftoverMessages();
        failPendingSends("session stopped");
        if (!fenced.get()) {
            try {
                setStatus(finalStatus, why);
                store.leases().release(lease);
            } catch (StoreException.StaleEpoch e) {
                fenced.set(true);
            }
        }
        finish();
        runtime.forget(this, why, gaveUp);
    }

    /**
     * A message can reach the page while the session stops (WhatsApp counts it delivered to this device);
     * its event then waits in the mailbox behind the stop. Store those messages, unhandled, for the next
     * owner, instead of dropping them with the mailbox.
     */
    private void storeLeftoverMessages() {
        if (fenced.get()) {
            return;
        }
        stopping = true;
        Runnable r;
        while ((r = mailbox.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("session {}: an event that arrived while stopping failed: {}", name, e.getMessage());
            }
        }
    }

    private void finish() {
        finished.set(true);
        releaseStartSlot();
        outbound.close();
        failPendingSends("session stopped");
    }

    private void releaseStartSlot() {
        if (holdsStartSlot.compareAndSet(true, false)) {
            runtime.startSlots().release();
        }
    }

    private void failPendingSends(String why) {
        pendingSends
                .values()
                .forEach(p -> p.result().completeExceptionally(SessionRuntimeException.sendFailed(null, why)));
        pendingSends.clear();
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
            log.warn("session {}: closing its context failed: {}", name, e.getMessage());
        }
    }

    // ---- snapshots, status, page deadline -----------------------------------------------------------

    /** Saves the storage state now, when it changed since the last save (fenced by the lease). */
    private void saveSnapshot() {
        if (fenced.get() || context == null) {
            return;
        }
        awaitSnapshotInFlight();
        lastSnapshotNanos = System.nanoTime();
        BrowserContext ctx = context;
        saveIfChanged(lease, host.call(b -> ctx.storageState(STATE_WITH_INDEXED_DB), BROWSER_CALL));
    }

    /**
     * The periodic snapshot: the mailbox only starts it, so that inbound messages are not held up behind
     * the capture (browser thread) and the encrypted write (a virtual thread).
     */
    private void snapshotInBackground() {
        if (fenced.get() || context == null) {
            return;
        }
        lastSnapshotNanos = System.nanoTime();
        BrowserContext ctx = context;
        SessionLease l = lease;
        snapshotInFlight = host.submit(b -> ctx.storageState(STATE_WITH_INDEXED_DB))
                .orTimeout(BROWSER_CALL.toMillis(), TimeUnit.MILLISECONDS)
                .thenAcceptAsync(
                        state -> saveIfChanged(l, state),
                        r -> Thread.ofVirtual().start(r))
                .exceptionally(e -> {
                    Throwable cause = SessionRuntime.causeOf(e);
                    if (cause instanceof StoreException.StaleEpoch stale) {
                        post(() -> leaseLost(stale.getMessage()));
                    } else if (!fenced.get()) {
                        log.warn("session {}: periodic snapshot failed: {}", name, firstLine(cause.getMessage()));
                    }
                    return null;
                });
    }

    /** Waits for a periodic snapshot under way, so that no older state lands after what comes next. */
    private void awaitSnapshotInFlight() {
        try {
            snapshotInFlight.get(BROWSER_CALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // reported by the snapshot itself
        }
    }

    private void saveIfChanged(SessionLease l, String state) {
        if (fenced.get()) {
            return;
        }
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        byte[] hash = sha256(bytes);
        if (Arrays.equals(hash, lastSnapshotHash)) {
            return;
        }
        long t0 = System.nanoTime();
        var info = store.snapshots().save(l, bytes);
        lastSnapshotHash = hash;
        runtime.metrics().snapshotSaved(info.size(), System.nanoTime() - t0);
    }

    private void setStatus(SessionStatus next, String why) {
        if (fenced.get()) {
            return;
        }
        if (next != SessionStatus.STARTING) {
            releaseStartSlot(); // the page is open: it shows a QR, works, or the session ended
        }
        boolean changed = !announced || next != status || !Objects.equals(why, reason);
        announced = true;
        store.sessions().recordStatus(lease, next, why);
        if (next != status) {
            since = Instant.now();
        }
        status = next;
        reason = why;
        if (changed) {
            runtime.notifyStatus(view());
        }
    }

    /**
     * Answers the page's dead man's switch (on the browser thread, without waiting for anything): the
     * page may stay connected until {@link #PAGE_MARGIN} before the lease could expire, and not at all
     * once this worker is fenced.
     */
    private long pageMayStayMs() {
        if (fenced.get()) {
            return 0;
        }
        return (leaseValidUntilNanos - System.nanoTime()) / 1_000_000 - PAGE_MARGIN.toMillis();
    }

    // ---- for the outbound queue and the runtime ------------------------------------------------------

    SessionStatus status() {
        return status;
    }

    void runtimeNotifyOutbound(Message message) {
        runtime.notifyOutbound(name, message);
    }

    Page page() {
        return page;
    }

    /** Playwright errors carry whole browser logs; a status reason needs the first line. */
    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
