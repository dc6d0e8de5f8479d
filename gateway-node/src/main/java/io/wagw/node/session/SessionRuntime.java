package io.wagw.node.session;

import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.BrowserHost;
import io.wagw.node.browser.BrowserPool;
import io.wagw.node.browser.BrowserWatchdog;
import io.wagw.node.message.InboundMessage;
import io.wagw.node.message.MessageHandler;
import io.wagw.node.usage.UsageMeter;
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
import io.wagw.store.tenant.TenantStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions running on this node. A session runs here only while this node holds its lease in
 * the store; the lease is renewed in the background, and a session whose renewal fails is closed at
 * once. Browsers are shared ({@link BrowserPool}); a crashed browser restarts only its own sessions.
 */
public final class SessionRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionRuntime.class);

    private final RuntimeConfig config;
    private final SessionStore store;
    /** How often message counts are added to the tenants' usage rows. */
    static final int USAGE_FLUSH_SECONDS = 2;
    /**
     * How long before a lease could expire the watchdog kills the browsers of a node that stopped renewing: the
     * time a kill takes to close the pages' connections, with room for a busy machine. The node that takes a
     * session over adds its own: it still has to load WhatsApp Web after taking the lease. With the default TTL
     * (2 s, renewed every 250 ms) the node may stall 1.35 s (a pause, a slow renewal) before the switch fires.
     */
    static final Duration SWITCH_MARGIN = Duration.ofMillis(400);

    private final Object switchLock = new Object();

    /** How often the spool is offered to the database while it holds something. */
    private static final long SPOOL_DRAIN_MS = 1000;
    /** How often the node looks for messages of its sessions left unhandled, and for how long they count as such. */
    private static final int SWEEP_SECONDS = 5;

    static final Duration UNHANDLED_SETTLED = Duration.ofSeconds(10);
    /** Unhandled inbound messages written longer ago than this are not answered any more. */
    static final Duration UNHANDLED_WINDOW = Duration.ofMinutes(15);

    private final HandlerLanes lanes;
    private final BrowserPool pool;
    private final Map<String, SessionWorker> workers = new ConcurrentHashMap<>();
    /**
     * Sessions whose start is taking their lease: they count as running here for {@link #start} and
     * {@link #prepare}, while the database answers outside the lock on {@code workers}.
     */
    private final Set<String> starting = ConcurrentHashMap.newKeySet();

    private final PreparedPages prepared = new PreparedPages();
    private final ListenerFanout listeners = new ListenerFanout();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("runtime-timer-", 0).daemon(true).factory());
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-renewer").daemon(true).factory());
    private final ScheduledExecutorService storeChecks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("runtime-store-checks").daemon(true).factory());
    private final RuntimeMetrics metrics = new RuntimeMetrics();
    /**
     * Pages opening at once: loading WhatsApp Web is CPU-bound, and a node that opens hundreds at once
     * (a restart, a failover) starves its own browser threads until pages miss their deadlines. A slot is held
     * from the boot until the page works or shows a QR, most of which is the page loading in its renderer, so
     * there are more slots than cores: with 2 per core a failover wave on 2 cores left CPU idle (4 per core:
     * 29 sessions back after 5.4-6.4 s instead of 7.1-7.3 s, and no survivor missed a lease deadline). A takeover
     * whose context and page were prepared during the dead owner's lease takes none: the preparations, one after
     * another on the browser's thread, already pace those starts, and a slot would hold the later ones back until
     * earlier pages worked (see {@code SessionWorker.boot}).
     */
    static final int START_SLOTS = Math.max(2, 4 * Runtime.getRuntime().availableProcessors());

    private final Semaphore startSlots = new Semaphore(START_SLOTS);
    private final UsageMeter usage;
    private final InboundWriter inbound;
    private final InboundSpool spool;
    /** Whether the database answered the last probe (every 2 s), for health and metrics without waiting. */
    private volatile boolean storeReachable = true;

    private volatile boolean closed;

    /**
     * @param spoolDir where inbound messages (and answered-marks) wait while the database is away: a folder of
     *                 the node's own ({@code GW_DATA_DIR/spool}), kept across restarts
     */
    public SessionRuntime(RuntimeConfig config, SessionStore store, MessageHandler handler, Path spoolDir) {
        this.config = config;
        this.store = store;
        this.usage = new UsageMeter(store.usage(), Clock.systemUTC());
        this.inbound = new InboundWriter(store.messages());
        this.spool = InboundSpool.open(spoolDir);
        this.lanes = new HandlerLanes(handler, store, spool, metrics);
        this.pool =
                new BrowserPool(config.nodeId(), config.browser(), config.sessionsPerBrowser(), this::browserCrashed);
        new LeaseRenewer(store, config.nodeId(), config.leaseTtl(), workers::values, this::armSwitch)
                .schedule(renewals);
        scheduler.scheduleWithFixedDelay(this::stopSessionsOfInactiveTenants, 10, 10, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(usage::flush, USAGE_FLUSH_SECONDS, USAGE_FLUSH_SECONDS, TimeUnit.SECONDS);
        // on a thread of their own: while the database is away each of these waits for a connection, and
        // lease renewals must not wait behind them
        storeChecks.scheduleWithFixedDelay(() -> storeReachable = store.reachable(), 0, 2, TimeUnit.SECONDS);
        storeChecks.scheduleWithFixedDelay(this::drainSpoolQuietly, 0, SPOOL_DRAIN_MS, TimeUnit.MILLISECONDS);
        storeChecks.scheduleWithFixedDelay(this::sweepUnhandled, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    /**
     * Starts a session on this node: takes its lease, restores its newest snapshot if any and opens
     * WhatsApp Web. Returns at once with status {@code STARTING}; listeners hear the rest.
     */
    public SessionView start(String name) {
        checkOpen();
        Session session = existing(name);
        var tenant = store.tenants().get(session.tenant());
        if (!tenant.status().mayRunSessions()) {
            throw SessionRuntimeException.tenantInactive(tenant.slug(), tenant.status());
        }
        synchronized (workers) {
            if (workers.containsKey(name) || starting.contains(name)) {
                throw SessionRuntimeException.alreadyRunning(name);
            }
            if (workers.size() + starting.size() >= config.maxSessions()) {
                throw SessionRuntimeException.capacityReached(config.maxSessions());
            }
            starting.add(name);
        }
        // The lease outside the lock: after a failover the starts of a dead node's sessions come at once, and
        // holding the lock over a database round trip each queued them one behind the other (1.3 s for 13).
        try {
            var acquired = store.leases()
                    .acquireTimed(name, config.nodeId(), config.leaseTtl())
                    .orElseThrow(() -> SessionRuntimeException.runningOnNode(
                            name, store.leases().current(name)));
            var lease = acquired.lease();
            // counted from when the statement was sent: the database set the expiry between then and its answer
            var worker = new SessionWorker(name, lease, acquired.sentAtNanos(), session, this, store, config);
            boolean open;
            synchronized (workers) {
                open = !closed; // stopped while the lease was taken: start nothing close() did not see
                if (open) {
                    workers.put(name, worker);
                }
            }
            if (!open) {
                store.leases().release(lease); // the database round trip outside the lock, as the acquire
                checkOpen();
            }
            armSwitch();
            worker.start();
            return worker.view();
        } finally {
            starting.remove(name);
        }
    }

    /** Stops a session gracefully: saves its snapshot, closes its page, releases its lease. */
    public SessionView stop(String name) {
        var worker = running(name);
        settle(worker);
        join(worker.stop(SessionStatus.STOPPED, null, false));
        return store.sessions().get(name) instanceof Session s
                ? new SessionView(
                        name,
                        s.status(),
                        s.statusReason(),
                        null,
                        s.meId(),
                        s.mePushName(),
                        config.nodeId(),
                        worker.lease().epoch(),
                        0,
                        s.updatedAt())
                : null;
    }

    /**
     * Prepares this node to take {@code name} over from an owner that left the cluster ({@code ownerGone} tells
     * from its node id): called while that owner's lease still keeps the start from succeeding. Opens the
     * session's context with its newest snapshot and a blank page ({@link PreparedPages}); nothing connects to
     * WhatsApp before the start. Prepares nothing when the session runs here, is prepared already, has no
     * snapshot, or the node is full; a failure only costs the head start. {@code lease} is the one that refused
     * the start ({@link SessionRuntimeException#heldBy}). Returns when that lease expires (by this node's clock),
     * so that the start is tried then rather than polled for; empty when its owner is still a member (it hands
     * the session over by releasing the lease).
     */
    public Optional<Instant> prepareTakeover(SessionLease lease, Predicate<String> ownerGone) {
        String name = lease.session();
        if (lease.ownerNode().equals(config.nodeId()) || !ownerGone.test(lease.ownerNode())) {
            return Optional.empty();
        }
        try {
            prepare(name, lease.ownerNode());
        } catch (RuntimeException e) {
            log.debug("session {}: not prepared for its takeover: {}", name, e.getMessage());
        }
        return Optional.of(lease.expiresAt());
    }

    private void prepare(String name, String owner) {
        synchronized (workers) {
            if (closed
                    || workers.containsKey(name)
                    || starting.contains(name)
                    || prepared.has(name)
                    || workers.size() + prepared.size() >= config.maxSessions()) {
                return;
            }
        }
        String state;
        try {
            var snapshot = store.snapshots().latest(name);
            if (snapshot.isEmpty()) {
                return; // a start without a snapshot shows a QR: nothing to prepare
            }
            state = new String(snapshot.get().state(), StandardCharsets.UTF_8);
        } catch (StoreException.SnapshotIntegrity | StoreException.UnknownMasterKey e) {
            return; // the start says why
        }
        BrowserHost host = pool.assign(name);
        synchronized (workers) {
            if (workers.containsKey(name) || starting.contains(name)) {
                return; // started meanwhile: its boot uses the host just assigned
            }
            prepared.prepare(name, state, host).ifPresent(future -> {
                log.info("session {}: preparing its takeover from {} while that node's lease runs out", name, owner);
                scheduler.schedule(
                        () -> discardPrepared(name, future), PreparedPages.MAX_AGE_MS, TimeUnit.MILLISECONDS);
            });
        }
    }

    /** Closes the context prepared for {@code name}'s takeover, if any (the session is no longer this node's). */
    public void discardPrepared(String name) {
        synchronized (workers) {
            if (prepared.discard(name) && !workers.containsKey(name)) {
                pool.release(name);
            }
        }
    }

    private void discardPrepared(String name, CompletableFuture<PreparedPages.Prepared> future) {
        synchronized (workers) {
            if (prepared.discardIfUntaken(name, future) && !workers.containsKey(name)) {
                log.info("session {}: no start took the context prepared for its takeover; closed it", name);
                pool.release(name);
            }
        }
    }

    PreparedPages prepared() {
        return prepared;
    }

    /** Contexts prepared for takeovers that ended {@code outcome}: used, stale (snapshot changed) or expired. */
    public long preparedTakeovers(String outcome) {
        return switch (outcome) {
            case "used" -> prepared.used();
            case "stale" -> prepared.stale();
            case "expired" -> prepared.expired();
            default -> throw new IllegalArgumentException(outcome);
        };
    }

    public SessionView restart(String name) {
        if (workers.containsKey(name)) {
            stop(name);
        }
        return start(name);
    }

    /** The session's configuration changed in the store: the running worker picks it up. */
    public void configChanged(String name) {
        Optional.ofNullable(workers.get(name)).ifPresent(SessionWorker::reloadConfig);
    }

    /**
     * Logs the session out of WhatsApp: a working page logs out (the phone loses the linked device and
     * the session shows a new QR); a stopped session forgets its credentials.
     */
    public void logout(String name) {
        var worker = workers.get(name);
        if (worker != null) {
            if (worker.status() == SessionStatus.WORKING && worker.page() != null) {
                var page = worker.page();
                worker.host()
                        .call(
                                b -> {
                                    WhatsAppBridge.logout(page);
                                    return null;
                                },
                                Duration.ofSeconds(20));
            } else {
                worker.forgetCredentials();
            }
            return;
        }
        existing(name);
        var lease = store.leases()
                .acquire(name, config.nodeId(), config.leaseTtl())
                .orElseThrow(() -> SessionRuntimeException.logOutWhereItRuns(name));
        try {
            store.snapshots().discard(lease);
            store.sessions().clearMe(lease);
            store.sessions().recordStatus(lease, SessionStatus.STOPPED, "logged out");
        } finally {
            store.leases().release(lease);
        }
    }

    /** The live view of a session running here. */
    /** The tenant of a session running here, without asking the store; empty when it does not run here. */
    public Optional<String> tenantOf(String name) {
        return Optional.ofNullable(workers.get(name)).map(SessionWorker::tenant);
    }

    public Optional<SessionView> view(String name) {
        return Optional.ofNullable(workers.get(name)).map(SessionWorker::view);
    }

    public Collection<SessionView> sessions() {
        return workers.values().stream().map(SessionWorker::view).toList();
    }

    /** For tests in this package: the worker running a session. */
    SessionWorker worker(String name) {
        return running(name);
    }

    public boolean runs(String name) {
        return workers.containsKey(name);
    }

    /** The current QR payload; only while the session waits for a scan. */
    public String qr(String name) {
        var view = running(name).view();
        if (view.status() != SessionStatus.SCAN_QR_CODE) {
            throw SessionRuntimeException.noQrWhile(name, view.status());
        }
        if (view.qr() == null) {
            throw SessionRuntimeException.qrNotShownYet(name);
        }
        return view.qr();
    }

    /** Switches the login screen to "link with phone number" and returns the 8-character code. */
    public String requestPairingCode(String name, String phoneNumber) {
        var worker = running(name);
        String digits = phoneNumber == null ? "" : phoneNumber.replaceAll("[\\s+()-]", "");
        if (!digits.matches("\\d{7,15}")) {
            throw SessionRuntimeException.badPhoneNumber();
        }
        if (worker.status() != SessionStatus.SCAN_QR_CODE) {
            throw SessionRuntimeException.noPairingCodeWhile(name, worker.status());
        }
        var page = worker.page();
        return worker.host().call(b -> WhatsAppBridge.requestPairingCode(page, digits, 15_000), Duration.ofSeconds(30));
    }

    /** Queues a text to send; completes when WhatsApp Web accepted it. */
    public CompletableFuture<Message> sendText(String name, String chatId, String text) {
        var worker = running(name);
        if (worker.status() != SessionStatus.WORKING) {
            throw SessionRuntimeException.cannotSendWhile(name, worker.status());
        }
        try {
            return worker.outbound.enqueue(chatId, text);
        } catch (StoreException.InvalidInput e) {
            throw SessionRuntimeException.invalidInput(e.field(), e.getMessage());
        }
    }

    /** Marks a chat as read (blue ticks for the customer). */
    public void sendSeen(String name, String chatId) {
        var worker = working(name, chatId);
        var page = worker.page();
        if (!worker.host().call(b -> WhatsAppBridge.sendSeen(page, chatId), Duration.ofSeconds(20))) {
            throw SessionRuntimeException.unknownChat(chatId);
        }
    }

    /** Shows ({@code on}) or clears the typing indicator in a chat. */
    public void typing(String name, String chatId, boolean on) {
        var worker = working(name, chatId);
        var page = worker.page();
        worker.host().call(b -> WhatsAppBridge.typing(page, chatId, on), Duration.ofSeconds(20));
    }

    private SessionWorker working(String name, String chatId) {
        var worker = running(name);
        if (worker.status() != SessionStatus.WORKING || worker.page() == null) {
            throw SessionRuntimeException.notWorking(name, worker.status());
        }
        try {
            Validation.chatId(chatId);
        } catch (StoreException.InvalidInput e) {
            throw SessionRuntimeException.invalidInput("chatId", e.getMessage());
        }
        return worker;
    }

    /** Inbound messages in or waiting for a handler call on this node. */
    public int handlerDepth() {
        return lanes.depth();
    }

    public RuntimeMetrics metrics() {
        return metrics;
    }

    public BrowserPool pool() {
        return pool;
    }

    public RuntimeConfig config() {
        return config;
    }

    // ---- called by workers ------------------------------------------------------------------------

    InboundWriter inbound() {
        return inbound;
    }

    Semaphore startSlots() {
        return startSlots;
    }

    UsageMeter usage() {
        return usage;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Arms the dead man's switch: the node's browsers may stay up until {@link #SWITCH_MARGIN} before the first
     * of its sessions' leases could expire. Called after every renewal round and when a session comes or goes;
     * a node that stops calling it (frozen, cut off from the database, dead) has its browsers killed by the
     * watchdog before another node may take any of its sessions.
     */
    void armSwitch() {
        synchronized (switchLock) {
            long first = 0;
            boolean any = false;
            for (SessionWorker w : workers.values()) {
                OptionalLong until = w.leaseHoldsUntilNanos();
                if (until.isPresent() && (!any || until.getAsLong() - first < 0)) {
                    first = until.getAsLong();
                    any = true;
                }
            }
            pool.watchdog()
                    .deadline(
                            any
                                    ? (first - System.nanoTime()) / 1_000_000 - SWITCH_MARGIN.toMillis()
                                    : BrowserWatchdog.NO_DEADLINE);
        }
    }

    void forget(SessionWorker worker, String why, boolean gaveUp) {
        if (workers.remove(worker.name(), worker)) {
            armSwitch();
            fire(l -> l.onLeft(worker.name(), gaveUp));
            pool.release(worker.name());
            log.info("session {} left this node{}", worker.name(), why == null ? "" : ": " + why);
            if (worker.fenced()) {
                notifyStatus(new SessionView(
                        worker.name(),
                        SessionStatus.STOPPED,
                        why,
                        null,
                        null,
                        null,
                        config.nodeId(),
                        worker.lease().epoch(),
                        0,
                        Instant.now()));
            }
        }
    }

    void notifyStatus(SessionView view) {
        if (view.status() == SessionStatus.STARTING
                && view.restarts() > 0
                && view.reason() != null
                && view.reason().startsWith("restarting")) {
            metrics.countRestart();
        }
        fire(l -> l.onStatus(view));
    }

    void notifyQr(String session, String qr) {
        metrics.countQrShown();
        fire(l -> l.onQr(session, qr));
    }

    void notifyMessage(String session, Message message) {
        metrics.countMessageIn();
        fire(l -> l.onMessage(session, message));
    }

    void notifyOutbound(String session, Message message) {
        if (message.status() == MessageStatus.SENT && message.ack() == 0) {
            metrics.countMessageOut();
        }
        fire(l -> l.onOutbound(session, message));
    }

    /**
     * Hands an inbound message to the handler on the session's own lane (see {@link HandlerLanes#handle}).
     *
     * @return completes once the message is marked handled or left unhandled
     */
    CompletableFuture<Void> handle(SessionWorker worker, InboundMessage message, long pageAtMillis) {
        return lanes.handle(worker, message, pageAtMillis);
    }

    /** What failed inside a future: the cause a {@link CompletionException} wraps, else the error itself. */
    static Throwable causeOf(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Keeps an inbound message the database could not take; false when the spool refused it too (it is lost). */
    boolean spoolInbound(String tenant, InboundRecord record) {
        try {
            spool.append(new InboundSpool.Inbound(tenant, record));
            return true;
        } catch (RuntimeException e) {
            log.error(
                    "session {}: an inbound message is lost: the database is away and the spool refused it",
                    record.session(),
                    e);
            return false;
        }
    }

    InboundSpool spool() {
        return spool;
    }

    /** Whether the database answered the last probe (taken every 2 s). */
    public boolean storeReachable() {
        return storeReachable;
    }

    /** Entries (inbound messages, answered-marks) waiting in the spool for the database. */
    public long spoolPending() {
        return spool.pending();
    }

    /** Inbound messages and marks spooled since the node started. */
    public long spooledTotal() {
        return spool.spooledTotal();
    }

    /** Spool entries refused because it was full (messages lost) since the node started. */
    public long spoolRefusedTotal() {
        return spool.refusedTotal();
    }

    void drainSpoolQuietly() {
        try {
            drainSpool();
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                log.warn("storing the spooled messages failed; will retry", e);
            }
        }
    }

    /**
     * Stores what the spool holds (when the database answers again): answered-marks first, then the messages,
     * deduplicated. Each message that is new is counted, announced, and handed to its session's handler when
     * the session runs here; otherwise whoever runs it answers it (it is stored unhandled).
     */
    void drainSpool() {
        int stored = spool.drain(entries -> {
            for (var e : entries) {
                if (e instanceof InboundSpool.Handled h) {
                    store.messages().markHandled(h.session(), h.waMessageId());
                }
            }
            List<InboundSpool.Inbound> messages = entries.stream()
                    .filter(InboundSpool.Inbound.class::isInstance)
                    .map(InboundSpool.Inbound.class::cast)
                    .toList();
            for (int from = 0; from < messages.size(); from += InboundWriter.MAX_BATCH) {
                var chunk = messages.subList(from, Math.min(messages.size(), from + InboundWriter.MAX_BATCH));
                var results = storeSpooled(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    var in = chunk.get(i);
                    results.get(i).ifPresent(m -> {
                        usage.inbound(in.tenant());
                        notifyMessage(in.session(), m);
                        if (in.record().awaitsHandler()) {
                            Optional.ofNullable(workers.get(in.session())).ifPresent(w -> w.handOverStored(m));
                        }
                    });
                }
            }
        });
        if (stored > 0) {
            log.info("stored {} spooled entries now that the database answers", stored);
        }
    }

    /**
     * One bad message must not hold the others in the spool forever: a batch the database refused (rather
     * than could not take) is stored one by one, and a message refused alone is dropped.
     */
    private List<Optional<Message>> storeSpooled(List<InboundSpool.Inbound> chunk) {
        try {
            return store.messages()
                    .recordInbound(
                            chunk.stream().map(InboundSpool.Inbound::record).toList());
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                throw e;
            }
            List<Optional<Message>> out = new ArrayList<>();
            for (var in : chunk) {
                try {
                    out.add(store.messages().recordInbound(List.of(in.record())).getFirst());
                } catch (RuntimeException bad) {
                    if (StoreOutage.is(bad)) {
                        throw bad;
                    }
                    log.warn(
                            "session {}: a spooled message was refused by the store ({}); dropped",
                            in.session(),
                            StoreFailures.summary(bad));
                    out.add(Optional.empty());
                }
            }
            return out;
        }
    }

    /**
     * Every few seconds, one statement finds the sessions of this node with messages left unhandled (stored
     * late from a spool, by a node that lost the session, or whose reply failed); their workers hand them on.
     */
    private void sweepUnhandled() {
        if (workers.isEmpty()) {
            return;
        }
        try {
            for (String session :
                    store.messages().sessionsWithUnhandled(config.nodeId(), UNHANDLED_SETTLED, UNHANDLED_WINDOW)) {
                Optional.ofNullable(workers.get(session)).ifPresent(SessionWorker::answerLeftBehind);
            }
        } catch (RuntimeException e) {
            if (!StoreOutage.is(e)) {
                log.warn("looking for unhandled messages failed", e);
            }
        }
    }

    private void fire(Consumer<SessionListener> event) {
        listeners.fire(event);
    }

    // ---- background ----------------------------------------------------------------------------------

    private void browserCrashed(BrowserHost host) {
        metrics.countBrowserCrash();
        List<String> sessions = pool.sessionsOn(host);
        log.warn("browser {} crashed; restarting its {} sessions: {}", host.id(), sessions.size(), sessions);
        for (String s : sessions) {
            Optional.ofNullable(workers.get(s)).ifPresent(w -> w.browserCrashed(host));
        }
    }

    /** One query for the tenants of every running session (a query per session made 15 a second at 150). */
    private void stopSessionsOfInactiveTenants() {
        List<SessionWorker> running = new ArrayList<>(workers.values());
        Map<String, TenantStatus> statuses;
        try {
            statuses = store.tenants()
                    .statuses(running.stream().map(SessionWorker::tenant).toList());
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                log.debug("the tenant check failed: {}", e.getMessage());
            } else {
                log.debug("the tenant check failed", e);
            }
            return;
        }
        for (SessionWorker w : running) {
            TenantStatus status = statuses.get(w.tenant());
            if (status != null && !status.mayRunSessions()) {
                log.info("session {}: tenant {} is {}; stopping", w.name(), w.tenant(), status);
                w.stop(SessionStatus.STOPPED, "tenant is " + status, true);
            }
        }
    }

    private SessionWorker running(String name) {
        try {
            Validation.sessionName(name);
        } catch (StoreException.InvalidInput e) {
            throw SessionRuntimeException.invalidInput("name", e.getMessage());
        }
        var w = workers.get(name);
        if (w == null) {
            existing(name);
            throw SessionRuntimeException.notRunningHere(name);
        }
        return w;
    }

    private Session existing(String name) {
        try {
            return store.sessions().get(name);
        } catch (StoreException.NotFound e) {
            throw SessionRuntimeException.notFound(e.getMessage());
        } catch (StoreException.InvalidInput e) {
            throw SessionRuntimeException.invalidInput("name", e.getMessage());
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the session runtime is closed");
        }
    }

    /**
     * Before a graceful stop: let the handler finish the messages it was given and the outbound queue send
     * the replies, so a session that moves to another node leaves no answered-but-unsent message behind
     * (bounded: a stuck handler does not hold the stop forever).
     */
    private void settle(SessionWorker worker) {
        try {
            lanes.awaitIdle(worker.name(), Duration.ofSeconds(10));
            worker.outbound.awaitIdle(Duration.ofSeconds(10));
        } catch (Exception e) {
            log.debug("session {}: settling before stop: {}", worker.name(), e.getMessage());
        }
    }

    private static void join(CompletableFuture<?> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("waiting for a session to stop: no end within 60 s");
        } catch (Exception e) {
            log.warn("waiting for a session to stop failed", e);
        }
    }

    /** Stops every session gracefully (snapshot, status, lease release), then the browsers. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (SessionWorker w : workers.values()) {
            stops.add(CompletableFuture.runAsync(
                            () -> settle(w), r -> Thread.ofVirtual().start(r))
                    .thenCompose(v -> w.stop(SessionStatus.STOPPED, "node shut down", false)));
        }
        stops.forEach(SessionRuntime::join);
        lanes.close();
        scheduler.shutdownNow();
        renewals.shutdownNow();
        storeChecks.shutdownNow();
        inbound.close();
        drainSpoolQuietly(); // what waits there is stored now if the database answers, else at the next start
        usage.flush();
        pool.close();
        listeners.close();
    }
}
