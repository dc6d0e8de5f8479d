package io.wagw.node.session;

import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's status machine as a function: the current {@link State} and an {@link Event} give the next
 * state and the {@link Action}s that get there. No I/O, no threads, no browser: {@link SessionWorker}
 * executes the actions, in order, on its mailbox.
 *
 * <p>How the worker applies a transition: the counters of {@link Transition#next()} (restarts, consecutive
 * failures, working this boot) are taken over at once, before any action runs; the status and its reason
 * change only as an {@link Action.Announce} (or {@link Action.StopAndRelease}) is written to the store,
 * whether this boot restored a login as {@link Action.NoteRestored} runs, and the flags {@code stopping},
 * {@code finished} and {@code fenced} as their actions run. An action that fails (a store outage, a lost lease) ends the transition there, leaving the
 * status as it was; {@code next} is the state once every action succeeded.
 */
final class SessionLifecycle {
    static final String STORED_CREDENTIALS_SHOW_QR =
            "the stored credentials no longer log in (WhatsApp shows a QR); scan it again";
    static final String STORED_CREDENTIALS_LOGGED_OUT =
            "the stored credentials no longer log in (WhatsApp logged the device out); scan the QR again";
    static final String LOGGED_OUT_FROM_PHONE = "logged out from the phone; scan the QR to link again";
    static final String QR_NOT_SCANNED = "the QR code was not scanned in time";
    static final String STOPPED = "session stopped";

    /** What the machine needs from the configuration. */
    record Policy(
            int maxConsecutiveFailures,
            Duration restartBackoffBase,
            Duration restartBackoffMax,
            Duration startTimeout,
            Duration connectionLossGrace,
            boolean logoutStops) {
        static Policy of(RuntimeConfig config) {
            return new Policy(
                    config.maxConsecutiveFailures(),
                    config.restartBackoffBase(),
                    config.restartBackoffMax(),
                    config.startTimeout(),
                    config.connectionLossGrace(),
                    config.logoutStops());
        }
    }

    /**
     * The session as the machine sees it.
     *
     * @param hasCredentials whether anything of a login is known (an account id or a saved snapshot)
     * @param stopping       a graceful stop works through the events that arrived before the page closed
     * @param finished       the worker ended; nothing happens any more
     * @param fenced         the lease is lost; the worker writes nothing
     */
    record State(
            SessionStatus status,
            String reason,
            int restarts,
            int consecutiveFailures,
            boolean restoredThisBoot,
            boolean workingThisBoot,
            boolean hasCredentials,
            boolean stopping,
            boolean finished,
            boolean fenced) {
        /** A worker just created: STARTING, not announced yet. */
        static State initial() {
            return new State(SessionStatus.STARTING, null, 0, 0, false, false, false, false, false, false);
        }

        State withStatus(SessionStatus s, String why) {
            return new State(
                    s,
                    why,
                    restarts,
                    consecutiveFailures,
                    restoredThisBoot,
                    workingThisBoot,
                    hasCredentials,
                    stopping,
                    finished,
                    fenced);
        }

        State withReason(String why) {
            return withStatus(status, why);
        }

        State withFailures(int restartCount, int failures) {
            return new State(
                    status,
                    reason,
                    restartCount,
                    failures,
                    restoredThisBoot,
                    workingThisBoot,
                    hasCredentials,
                    stopping,
                    finished,
                    fenced);
        }

        State withBoot(boolean restored, boolean working) {
            return new State(
                    status,
                    reason,
                    restarts,
                    consecutiveFailures,
                    restored,
                    working,
                    hasCredentials,
                    stopping,
                    finished,
                    fenced);
        }

        State withCredentials(boolean has) {
            return new State(
                    status,
                    reason,
                    restarts,
                    consecutiveFailures,
                    restoredThisBoot,
                    workingThisBoot,
                    has,
                    stopping,
                    finished,
                    fenced);
        }

        State stopped() {
            return new State(
                    status,
                    reason,
                    restarts,
                    consecutiveFailures,
                    restoredThisBoot,
                    workingThisBoot,
                    hasCredentials,
                    !fenced,
                    true,
                    fenced);
        }
    }

    /** What happened to the session. */
    sealed interface Event {
        /** A boot holds its start slot and opens a page (after the first start or a restart). */
        record Boot() implements Event {}

        /** The boot read the stored snapshot: it restores one (or not), or the stored one was unusable. */
        record Restored(boolean restored, String snapshotProblem) implements Event {}

        /** The page shows a (new) QR code. */
        record Qr(String ref) implements Event {}

        /** The page stopped rotating its QR: nobody scanned it. */
        record QrIdle() implements Event {}

        /** The page is logged in and works, as account {@code me} (when the page knows it). */
        record Ready(String me, String pushName) implements Event {}

        /** WhatsApp logged the device out. */
        record LoggedOut() implements Event {}

        /** A logout asked for while the session is not logged in: drop what is stored. */
        record ForgetCredentials() implements Event {}

        /** The page reports a failure (a crash, a conflict, a refusal); ignored while stopping. */
        record PageFailed(String why, double jitter) implements Event {}

        /** The browser crashed or an operation failed unexpectedly; {@code jitter} in [0, 1] for the backoff. */
        record Failure(String why, double jitter) implements Event {}

        /**
         * The once-a-second check.
         *
         * @param pageOpen       whether the boot opened its page yet
         * @param inStatus       how long the session is in its current status
         * @param disconnectedFor how long a working page has been disconnected; null while connected
         * @param snapshotDue    whether the periodic snapshot is due (and none is under way)
         */
        record Tick(boolean pageOpen, Duration inStatus, Duration disconnectedFor, boolean snapshotDue, double jitter)
                implements Event {}

        /** A graceful stop, asked for or decided by the session itself ({@code gaveUp}). */
        record Stop(SessionStatus finalStatus, String why, boolean gaveUp) implements Event {}
    }

    /** What the worker does, in order. */
    sealed interface Action {
        /** Records the status and its reason (fenced) and tells the listeners when it changed. */
        record Announce(SessionStatus status, String reason) implements Action {}

        /** Where the page's history starts to count: the link of a restored login; none for a fresh one. */
        record LoadHistoryFloor() implements Action {}

        /** Whether this boot restored a stored login (after a logout it no longer counts as such). */
        record NoteRestored(boolean restored) implements Action {}

        /** Keeps a reason without announcing it yet (the next status carries it). */
        record NoteReason(String reason) implements Action {}

        /** Frees the runtime's start slot if this session holds one. */
        record ReleaseStartSlot() implements Action {}

        /** Closes the browser context now. */
        record CloseContext() implements Action {}

        /** Fails every send handed to the page and not answered yet. */
        record FailPendingSends(String why) implements Action {}

        /** Counts the failure in the log and gives up: the stop that follows is FAILED. */
        record GiveUp(int failures, String why) implements Action {}

        /** Boots again after {@code delay} (a boot posted meanwhile by an older boot is void). */
        record ScheduleRestart(Duration delay, String why, int failure, int of) implements Action {}

        /** Shows a QR (kept for the API while the status is SCAN_QR_CODE). */
        record ShowQr(String ref) implements Action {}

        /** Tells the listeners of the QR. */
        record PublishQr(String ref) implements Action {}

        /** Records the account the page logged in with and where its history starts. */
        record RecordAccount(String me, String pushName) implements Action {}

        /** Saves the storage state now, when it changed. */
        record SaveSnapshot() implements Action {}

        /** Saves the storage state now before stopping; a failure is logged, not thrown. */
        record SaveFinalSnapshot() implements Action {}

        /** Starts the periodic snapshot in the background. */
        record SnapshotInBackground() implements Action {}

        /** Sends what waits and answers what was left unhandled. */
        record ResumeWork() implements Action {}

        /** Discards the stored snapshot and account; {@code loggedOut} says why (null: asked for, not logged). */
        record WipeCredentials(String loggedOut) implements Action {}

        /** Forgets the QR shown. */
        record ClearQr() implements Action {}

        /** Stores the messages whose events wait in the mailbox (the stop sets {@code stopping} here). */
        record StoreLeftovers() implements Action {}

        /** Records the final status and releases the lease (unless fenced; a stale lease fences). */
        record StopAndRelease(SessionStatus status, String reason) implements Action {}

        /** Ends the worker: no more events, the outbound queue closes. */
        record Finish() implements Action {}

        /** Tells the runtime the session left this node. */
        record Leave(String why, boolean gaveUp) implements Action {}
    }

    record Transition(State next, List<Action> actions) {
        Transition {
            actions = List.copyOf(actions);
        }

        static Transition none(State s) {
            return new Transition(s, List.of());
        }
    }

    private final Policy policy;

    SessionLifecycle(Policy policy) {
        this.policy = policy;
    }

    /** Whether a boot may go on (a stop or the end came first). */
    static boolean mayBoot(State s) {
        return !s.finished() && !s.stopping();
    }

    Transition on(State s, Event event) {
        return switch (event) {
            case Event.Boot ignored -> boot(s);
            case Event.Restored r -> restored(s, r);
            case Event.Qr q -> s.stopping() ? Transition.none(s) : qr(s, q.ref());
            case Event.QrIdle ignored ->
                s.stopping() || s.status() != SessionStatus.SCAN_QR_CODE
                        ? Transition.none(s)
                        : stop(s, SessionStatus.STOPPED, QR_NOT_SCANNED, true);
            case Event.Ready r -> s.stopping() ? Transition.none(s) : ready(s, r);
            case Event.LoggedOut ignored -> s.stopping() ? Transition.none(s) : loggedOut(s);
            case Event.ForgetCredentials ignored ->
                new Transition(s.withCredentials(false), List.of(new Action.WipeCredentials(null)));
            case Event.PageFailed f -> s.stopping() ? Transition.none(s) : failure(s, f.why(), f.jitter());
            case Event.Failure f -> failure(s, f.why(), f.jitter());
            case Event.Tick t -> tick(s, t);
            case Event.Stop st -> stop(s, st.finalStatus(), st.why(), st.gaveUp());
        };
    }

    private Transition boot(State s) {
        String why = s.restarts() == 0 ? null : s.reason();
        return new Transition(
                s.withBoot(false, false).withStatus(SessionStatus.STARTING, why),
                List.of(new Action.NoteRestored(false), new Action.Announce(SessionStatus.STARTING, why)));
    }

    private static Transition restored(State s, Event.Restored r) {
        State next = s.withBoot(r.restored(), s.workingThisBoot());
        if (r.snapshotProblem() == null) {
            return new Transition(next, List.of(new Action.NoteRestored(r.restored()), new Action.LoadHistoryFloor()));
        }
        return new Transition(
                next.withReason(r.snapshotProblem()),
                List.of(
                        new Action.NoteRestored(r.restored()),
                        new Action.LoadHistoryFloor(),
                        new Action.NoteReason(r.snapshotProblem())));
    }

    private static Transition qr(State s, String ref) {
        if (ref == null || ref.isBlank() || s.status() == SessionStatus.WORKING) {
            return Transition.none(s); // a working session handles the logout events instead
        }
        List<Action> actions = new ArrayList<>();
        actions.add(new Action.ShowQr(ref));
        State next = s;
        if (s.status() != SessionStatus.SCAN_QR_CODE) {
            String why = s.restoredThisBoot() && s.reason() == null ? STORED_CREDENTIALS_SHOW_QR : s.reason();
            actions.add(new Action.Announce(SessionStatus.SCAN_QR_CODE, why));
            next = s.withStatus(SessionStatus.SCAN_QR_CODE, why);
        }
        actions.add(new Action.PublishQr(ref));
        return new Transition(next, actions);
    }

    /**
     * Working: a new link is saved at once; a boot that restored its snapshot and showed no QR has nothing new
     * to save yet (the periodic snapshot takes what the connection changes), which keeps a wave of restores
     * after a failover from queueing a capture per session on its browser's thread.
     */
    private static Transition ready(State s, Event.Ready r) {
        boolean linked = !s.restoredThisBoot() || s.status() == SessionStatus.SCAN_QR_CODE;
        State next = s.withFailures(s.restarts(), 0)
                .withBoot(s.restoredThisBoot(), true)
                .withStatus(SessionStatus.WORKING, null);
        List<Action> actions = new ArrayList<>(List.of(
                new Action.RecordAccount(r.me(), r.pushName()), new Action.Announce(SessionStatus.WORKING, null)));
        if (linked) {
            actions.add(new Action.SaveSnapshot());
        }
        actions.add(new Action.ResumeWork());
        return new Transition(next, actions);
    }

    private Transition loggedOut(State s) {
        if (s.status() == SessionStatus.SCAN_QR_CODE && !s.hasCredentials()) {
            return Transition.none(s); // already waiting for a scan with nothing to forget
        }
        // Before this boot ever worked, a logout means WhatsApp refused the restored credentials.
        String why =
                s.restoredThisBoot() && !s.workingThisBoot() ? STORED_CREDENTIALS_LOGGED_OUT : LOGGED_OUT_FROM_PHONE;
        State wiped = s.withCredentials(false).withBoot(false, s.workingThisBoot());
        List<Action> actions = new ArrayList<>(
                List.of(new Action.WipeCredentials(why), new Action.ClearQr(), new Action.NoteRestored(false)));
        if (policy.logoutStops()) {
            Transition stop = stop(wiped, SessionStatus.STOPPED, why, true);
            actions.addAll(stop.actions());
            return new Transition(stop.next(), actions);
        }
        actions.add(new Action.Announce(SessionStatus.SCAN_QR_CODE, why));
        return new Transition(wiped.withStatus(SessionStatus.SCAN_QR_CODE, why), actions);
    }

    private Transition failure(State s, String why, double jitter) {
        if (s.finished() || s.fenced()) {
            return Transition.none(s);
        }
        int failures = s.consecutiveFailures() + 1;
        State counted = s.withFailures(s.restarts() + 1, failures);
        List<Action> actions = new ArrayList<>(
                List.of(new Action.ReleaseStartSlot(), new Action.CloseContext(), new Action.FailPendingSends(why)));
        int max = policy.maxConsecutiveFailures();
        if (failures >= max) {
            actions.add(new Action.GiveUp(failures, why));
            Transition stop = stop(counted, SessionStatus.FAILED, why + " (" + failures + " failures in a row)", true);
            actions.addAll(stop.actions());
            return new Transition(stop.next(), actions);
        }
        Duration delay = Backoff.delay(failures, policy.restartBackoffBase(), policy.restartBackoffMax(), jitter);
        String reason = "restarting after: %s (failure %d of %d)".formatted(why, failures, max);
        actions.add(new Action.Announce(SessionStatus.STARTING, reason));
        actions.add(new Action.ScheduleRestart(delay, why, failures, max));
        return new Transition(counted.withStatus(SessionStatus.STARTING, reason), actions);
    }

    private Transition tick(State s, Event.Tick t) {
        if (s.fenced()) {
            return Transition.none(s);
        }
        if (s.status() == SessionStatus.STARTING && t.pageOpen() && t.inStatus().compareTo(policy.startTimeout()) > 0) {
            return failure(
                    s,
                    "WhatsApp Web did not show a QR or become ready within "
                            + policy.startTimeout().toSeconds() + " s",
                    t.jitter());
        }
        if (s.status() == SessionStatus.WORKING
                && t.disconnectedFor() != null
                && t.disconnectedFor().compareTo(policy.connectionLossGrace()) > 0) {
            return failure(
                    s,
                    "connection to WhatsApp lost for more than "
                            + policy.connectionLossGrace().toSeconds() + " s",
                    t.jitter());
        }
        if (s.status() == SessionStatus.WORKING && t.snapshotDue()) {
            return new Transition(s, List.of(new Action.SnapshotInBackground()));
        }
        return Transition.none(s);
    }

    private static Transition stop(State s, SessionStatus finalStatus, String why, boolean gaveUp) {
        if (s.finished() || s.stopping()) {
            return Transition.none(s);
        }
        List<Action> actions = new ArrayList<>();
        if (s.status() == SessionStatus.WORKING && !s.fenced()) {
            actions.add(new Action.SaveFinalSnapshot());
        }
        actions.add(new Action.CloseContext());
        actions.add(new Action.StoreLeftovers());
        actions.add(new Action.FailPendingSends(STOPPED));
        actions.add(new Action.StopAndRelease(finalStatus, why));
        actions.add(new Action.Finish());
        actions.add(new Action.Leave(why, gaveUp));
        State next = s.fenced() ? s.stopped() : s.withStatus(finalStatus, why).stopped();
        return new Transition(next, actions);
    }
}
