package io.wagw.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.session.SessionLifecycle.Action;
import io.wagw.node.session.SessionLifecycle.Event;
import io.wagw.node.session.SessionLifecycle.State;
import io.wagw.node.session.SessionLifecycle.Transition;
import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session's status machine, without a browser, a store or a thread. */
class SessionLifecycleTest {
    private static final SessionLifecycle.Policy POLICY = new SessionLifecycle.Policy(
            3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(20), false);
    private final SessionLifecycle lifecycle = new SessionLifecycle(POLICY);

    private static State state(SessionStatus status) {
        return State.initial().withStatus(status, null);
    }

    private static List<Action> stopActions(SessionStatus status, String why, boolean gaveUp) {
        return List.of(
                new Action.CloseContext(),
                new Action.StoreLeftovers(),
                new Action.FailPendingSends(SessionLifecycle.STOPPED),
                new Action.StopAndRelease(status, why),
                new Action.Finish(),
                new Action.Leave(why, gaveUp));
    }

    @Test
    void theFirstBootAnnouncesStartingWithoutAReason() {
        var t = lifecycle.on(State.initial().withReason("left over"), new Event.Boot());
        assertThat(t.actions())
                .containsExactly(new Action.NoteRestored(false), new Action.Announce(SessionStatus.STARTING, null));
        assertThat(t.next().status()).isEqualTo(SessionStatus.STARTING);
        assertThat(t.next().restoredThisBoot()).isFalse();
    }

    @Test
    void aRestartBootKeepsTheReasonAndForgetsThePreviousBoot() {
        var s = State.initial()
                .withFailures(2, 1)
                .withBoot(true, true)
                .withStatus(SessionStatus.STARTING, "restarting after: x (failure 1 of 3)");
        var t = lifecycle.on(s, new Event.Boot());
        assertThat(t.actions())
                .containsExactly(
                        new Action.NoteRestored(false),
                        new Action.Announce(SessionStatus.STARTING, "restarting after: x (failure 1 of 3)"));
        assertThat(t.next().restoredThisBoot()).isFalse();
        assertThat(t.next().workingThisBoot()).isFalse();
        assertThat(t.next().restarts()).isEqualTo(2);
    }

    @Test
    void aRestoredSnapshotIsNotedAndAnUnusableOneGivesTheReason() {
        var t = lifecycle.on(State.initial(), new Event.Restored(true, null));
        assertThat(t.next().restoredThisBoot()).isTrue();
        assertThat(t.actions()).containsExactly(new Action.NoteRestored(true), new Action.LoadHistoryFloor());

        var bad = lifecycle.on(State.initial(), new Event.Restored(false, "unusable; scan the QR again"));
        assertThat(bad.next().restoredThisBoot()).isFalse();
        assertThat(bad.actions())
                .containsExactly(
                        new Action.NoteRestored(false),
                        new Action.LoadHistoryFloor(),
                        new Action.NoteReason("unusable; scan the QR again"));
        assertThat(bad.next().reason()).isEqualTo("unusable; scan the QR again");
    }

    @Test
    void theFirstQrAnnouncesScanQrCodeAndLaterOnesAreOnlyPublished() {
        var t = lifecycle.on(state(SessionStatus.STARTING), new Event.Qr("ref-1"));
        assertThat(t.actions())
                .containsExactly(
                        new Action.ShowQr("ref-1"),
                        new Action.Announce(SessionStatus.SCAN_QR_CODE, null),
                        new Action.PublishQr("ref-1"));
        assertThat(t.next().status()).isEqualTo(SessionStatus.SCAN_QR_CODE);

        var rotated = lifecycle.on(t.next(), new Event.Qr("ref-2"));
        assertThat(rotated.actions()).containsExactly(new Action.ShowQr("ref-2"), new Action.PublishQr("ref-2"));
    }

    @Test
    void aQrAfterRestoredCredentialsSaysTheyNoLongerLogIn() {
        var s = State.initial().withBoot(true, false);
        var t = lifecycle.on(s, new Event.Qr("ref"));
        assertThat(t.actions())
                .contains(new Action.Announce(SessionStatus.SCAN_QR_CODE, SessionLifecycle.STORED_CREDENTIALS_SHOW_QR));

        // a reason already given (e.g. an unusable snapshot) is kept
        var withReason = lifecycle.on(s.withReason("unusable snapshot"), new Event.Qr("ref"));
        assertThat(withReason.actions()).contains(new Action.Announce(SessionStatus.SCAN_QR_CODE, "unusable snapshot"));
    }

    @Test
    void blankQrsAndQrsWhileWorkingAreIgnored() {
        assertThat(lifecycle
                        .on(state(SessionStatus.STARTING), new Event.Qr(" "))
                        .actions())
                .isEmpty();
        assertThat(lifecycle
                        .on(state(SessionStatus.STARTING), new Event.Qr(null))
                        .actions())
                .isEmpty();
        assertThat(lifecycle
                        .on(state(SessionStatus.WORKING), new Event.Qr("ref"))
                        .actions())
                .isEmpty();
    }

    @Test
    void readyResetsTheFailuresAnnouncesWorkingSavesAndResumes() {
        var s = State.initial().withFailures(2, 2).withStatus(SessionStatus.STARTING, "restarting after: x");
        var t = lifecycle.on(s, new Event.Ready("77011234567@c.us", "Shop"));
        assertThat(t.actions())
                .containsExactly(
                        new Action.RecordAccount("77011234567@c.us", "Shop"),
                        new Action.Announce(SessionStatus.WORKING, null),
                        new Action.SaveSnapshot(),
                        new Action.ResumeWork());
        assertThat(t.next().consecutiveFailures()).isZero();
        assertThat(t.next().restarts())
                .as("restarts count for the worker's life")
                .isEqualTo(2);
        assertThat(t.next().workingThisBoot()).isTrue();
        assertThat(t.next().status()).isEqualTo(SessionStatus.WORKING);
    }

    @Test
    void readyFromTheRestoredSnapshotSavesNothingNewButALinkAfterItsQrIsSaved() {
        var restored = State.initial().withBoot(true, false).withStatus(SessionStatus.STARTING, null);
        assertThat(lifecycle
                        .on(restored, new Event.Ready("77011234567@c.us", "Shop"))
                        .actions())
                .containsExactly(
                        new Action.RecordAccount("77011234567@c.us", "Shop"),
                        new Action.Announce(SessionStatus.WORKING, null),
                        new Action.ResumeWork());
        // WhatsApp refused the restored login and showed a QR, which the owner scanned: a new link
        var relinked = restored.withStatus(SessionStatus.SCAN_QR_CODE, "x");
        assertThat(lifecycle
                        .on(relinked, new Event.Ready("77011234567@c.us", "Shop"))
                        .actions())
                .contains(new Action.SaveSnapshot());
    }

    @Test
    void aFailureRestartsAfterABackoffThatGrows() {
        var first = lifecycle.on(state(SessionStatus.WORKING), new Event.Failure("page crashed", 0.5));
        String reason1 = "restarting after: page crashed (failure 1 of 3)";
        assertThat(first.actions())
                .containsExactly(
                        new Action.ReleaseStartSlot(),
                        new Action.CloseContext(),
                        new Action.FailPendingSends("page crashed"),
                        new Action.Announce(SessionStatus.STARTING, reason1),
                        new Action.ScheduleRestart(Duration.ofSeconds(1), "page crashed", 1, 3));
        assertThat(first.next().consecutiveFailures()).isEqualTo(1);
        assertThat(first.next().restarts()).isEqualTo(1);
        assertThat(first.next().status()).isEqualTo(SessionStatus.STARTING);
        assertThat(first.next().reason()).isEqualTo(reason1);

        var second = lifecycle.on(first.next(), new Event.Failure("page crashed", 0.5));
        assertThat(restartDelay(second)).isEqualTo(Duration.ofSeconds(2));
        assertThat(second.next().consecutiveFailures()).isEqualTo(2);
    }

    private static Duration restartDelay(Transition t) {
        return t.actions().stream()
                .filter(Action.ScheduleRestart.class::isInstance)
                .map(a -> ((Action.ScheduleRestart) a).delay())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theBackoffIsJitteredAndCapped() {
        var capped = new SessionLifecycle(new SessionLifecycle.Policy(
                20,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(90),
                Duration.ofSeconds(20),
                false));
        var s = state(SessionStatus.STARTING).withFailures(9, 9);
        assertThat(restartDelay(capped.on(s, new Event.Failure("x", 1.0)))).isEqualTo(Duration.ofSeconds(5));
        assertThat(restartDelay(capped.on(s, new Event.Failure("x", 0.0)))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void theSessionGivesUpAfterTooManyFailuresInARow() {
        var s = state(SessionStatus.STARTING).withFailures(5, 2);
        var t = lifecycle.on(s, new Event.Failure("conflict", 0.5));
        String why = "conflict (3 failures in a row)";
        var expected = new ArrayList<Action>(List.of(
                new Action.ReleaseStartSlot(),
                new Action.CloseContext(),
                new Action.FailPendingSends("conflict"),
                new Action.GiveUp(3, "conflict")));
        expected.addAll(stopActions(SessionStatus.FAILED, why, true));
        assertThat(t.actions()).containsExactlyElementsOf(expected);
        assertThat(t.next().status()).isEqualTo(SessionStatus.FAILED);
        assertThat(t.next().finished()).isTrue();
        assertThat(t.next().restarts()).isEqualTo(6);
        assertThat(t.actions()).noneMatch(Action.ScheduleRestart.class::isInstance);
    }

    @Test
    void givingUpWhileWorkingSavesAFinalSnapshotFirst() {
        var s = state(SessionStatus.WORKING).withFailures(0, 2);
        var t = lifecycle.on(s, new Event.Failure("x", 0));
        assertThat(t.actions())
                .containsSubsequence(new Action.GiveUp(3, "x"), new Action.SaveFinalSnapshot(), new Action.Finish());
    }

    @Test
    void failuresOfAFencedOrFinishedWorkerChangeNothing() {
        var fenced = new State(SessionStatus.WORKING, null, 0, 0, false, true, true, false, false, true);
        assertThat(lifecycle.on(fenced, new Event.Failure("x", 0))).isEqualTo(Transition.none(fenced));
        var finished = new State(SessionStatus.STOPPED, null, 0, 0, false, false, true, false, true, false);
        assertThat(lifecycle.on(finished, new Event.Failure("x", 0))).isEqualTo(Transition.none(finished));
    }

    @Test
    void pageFailuresAreIgnoredWhileStoppingButOtherFailuresCount() {
        var stopping = new State(SessionStatus.WORKING, null, 0, 0, false, true, true, true, false, false);
        assertThat(lifecycle.on(stopping, new Event.PageFailed("crashed", 0)).actions())
                .isEmpty();
        assertThat(lifecycle.on(stopping, new Event.Qr("ref")).actions()).isEmpty();
        assertThat(lifecycle.on(stopping, new Event.Ready(null, null)).actions())
                .isEmpty();
        assertThat(lifecycle.on(stopping, new Event.LoggedOut()).actions()).isEmpty();
        // a browser crash noticed while the stop drains the mailbox still counts (as it always did)
        assertThat(lifecycle
                        .on(stopping, new Event.Failure("browser crashed", 0))
                        .actions())
                .contains(new Action.ScheduleRestart(Duration.ofMillis(800), "browser crashed", 1, 3));
    }

    @Test
    void aLogoutWipesTheCredentialsAndShowsTheQrAgain() {
        var s = state(SessionStatus.WORKING).withCredentials(true).withBoot(true, true);
        var t = lifecycle.on(s, new Event.LoggedOut());
        assertThat(t.actions())
                .containsExactly(
                        new Action.WipeCredentials(SessionLifecycle.LOGGED_OUT_FROM_PHONE),
                        new Action.ClearQr(),
                        new Action.NoteRestored(false),
                        new Action.Announce(SessionStatus.SCAN_QR_CODE, SessionLifecycle.LOGGED_OUT_FROM_PHONE));
        assertThat(t.next().hasCredentials()).isFalse();
        assertThat(t.next().restoredThisBoot()).isFalse();
        assertThat(t.next().status()).isEqualTo(SessionStatus.SCAN_QR_CODE);
    }

    @Test
    void aLogoutBeforeARestoredBootWorkedMeansTheCredentialsWereRefused() {
        var s = state(SessionStatus.STARTING).withCredentials(true).withBoot(true, false);
        var t = lifecycle.on(s, new Event.LoggedOut());
        assertThat(t.actions())
                .first()
                .isEqualTo(new Action.WipeCredentials(SessionLifecycle.STORED_CREDENTIALS_LOGGED_OUT));
    }

    @Test
    void aLogoutWhileWaitingForAScanWithNothingStoredIsIgnored() {
        var s = state(SessionStatus.SCAN_QR_CODE);
        assertThat(lifecycle.on(s, new Event.LoggedOut()).actions()).isEmpty();
        // with credentials still known, they are wiped
        assertThat(lifecycle.on(s.withCredentials(true), new Event.LoggedOut()).actions())
                .first()
                .isInstanceOf(Action.WipeCredentials.class);
    }

    @Test
    void aLogoutStopsTheSessionWhenConfiguredSo() {
        var stopping = new SessionLifecycle(new SessionLifecycle.Policy(
                3,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(90),
                Duration.ofSeconds(20),
                true));
        var s = state(SessionStatus.WORKING).withCredentials(true).withBoot(false, true);
        var t = stopping.on(s, new Event.LoggedOut());
        String why = SessionLifecycle.LOGGED_OUT_FROM_PHONE;
        var expected = new ArrayList<Action>(List.of(
                new Action.WipeCredentials(why),
                new Action.ClearQr(),
                new Action.NoteRestored(false),
                new Action.SaveFinalSnapshot()));
        expected.addAll(stopActions(SessionStatus.STOPPED, why, true));
        assertThat(t.actions()).containsExactlyElementsOf(expected);
        assertThat(t.next().status()).isEqualTo(SessionStatus.STOPPED);
    }

    @Test
    void forgettingCredentialsWipesThemWithoutAStatusChange() {
        var s = state(SessionStatus.STARTING).withCredentials(true);
        var t = lifecycle.on(s, new Event.ForgetCredentials());
        assertThat(t.actions()).containsExactly(new Action.WipeCredentials(null));
        assertThat(t.next().status()).isEqualTo(SessionStatus.STARTING);
    }

    @Test
    void anUnscannedQrStopsTheSessionForGood() {
        var t = lifecycle.on(state(SessionStatus.SCAN_QR_CODE), new Event.QrIdle());
        assertThat(t.actions())
                .containsExactlyElementsOf(stopActions(SessionStatus.STOPPED, SessionLifecycle.QR_NOT_SCANNED, true));
        assertThat(lifecycle
                        .on(state(SessionStatus.WORKING), new Event.QrIdle())
                        .actions())
                .isEmpty();
    }

    @Test
    void aStopWhileWorkingSavesAFinalSnapshot() {
        var t = lifecycle.on(state(SessionStatus.WORKING), new Event.Stop(SessionStatus.STOPPED, null, false));
        var expected = new ArrayList<Action>(List.of(new Action.SaveFinalSnapshot()));
        expected.addAll(stopActions(SessionStatus.STOPPED, null, false));
        assertThat(t.actions()).containsExactlyElementsOf(expected);
        assertThat(t.next().stopping()).isTrue();
        assertThat(t.next().finished()).isTrue();
    }

    @Test
    void aStopWhileBootingSavesNothing() {
        var t = lifecycle.on(
                state(SessionStatus.STARTING), new Event.Stop(SessionStatus.STOPPED, "node shut down", false));
        assertThat(t.actions()).containsExactlyElementsOf(stopActions(SessionStatus.STOPPED, "node shut down", false));
        assertThat(t.next().status()).isEqualTo(SessionStatus.STOPPED);
        assertThat(SessionLifecycle.mayBoot(t.next()))
                .as("a boot posted before the stop does nothing")
                .isFalse();
    }

    @Test
    void aStopOfAFencedWorkerWritesNoStatus() {
        var fenced = new State(SessionStatus.WORKING, null, 0, 0, false, true, true, false, false, true);
        var t = lifecycle.on(fenced, new Event.Stop(SessionStatus.STOPPED, null, false));
        assertThat(t.actions()).doesNotContain(new Action.SaveFinalSnapshot());
        assertThat(t.next().status()).isEqualTo(SessionStatus.WORKING);
        assertThat(t.next().finished()).isTrue();
    }

    @Test
    void aSecondStopDoesNothing() {
        var stopped = lifecycle
                .on(state(SessionStatus.WORKING), new Event.Stop(SessionStatus.STOPPED, null, false))
                .next();
        assertThat(lifecycle
                        .on(stopped, new Event.Stop(SessionStatus.STOPPED, null, false))
                        .actions())
                .isEmpty();
        var stopping = new State(SessionStatus.WORKING, null, 0, 0, false, true, true, true, false, false);
        assertThat(lifecycle
                        .on(stopping, new Event.Stop(SessionStatus.FAILED, "x", true))
                        .actions())
                .isEmpty();
    }

    @Test
    void theTickFailsAStartThatTakesTooLong() {
        var s = state(SessionStatus.STARTING);
        assertThat(lifecycle
                        .on(s, new Event.Tick(true, Duration.ofSeconds(90), null, false, 0))
                        .actions())
                .as("not yet: exactly the timeout")
                .isEmpty();
        assertThat(lifecycle
                        .on(s, new Event.Tick(false, Duration.ofSeconds(200), null, false, 0))
                        .actions())
                .as("the page is not open yet (waiting for a start slot)")
                .isEmpty();
        var t = lifecycle.on(s, new Event.Tick(true, Duration.ofSeconds(91), null, false, 0));
        assertThat(t.actions())
                .contains(new Action.FailPendingSends("WhatsApp Web did not show a QR or become ready within 90 s"));
        assertThat(t.next().consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void theTickFailsAConnectionLostForTooLongAndTakesPeriodicSnapshots() {
        var s = state(SessionStatus.WORKING);
        assertThat(lifecycle
                        .on(s, new Event.Tick(true, Duration.ofHours(1), Duration.ofSeconds(20), false, 0))
                        .actions())
                .isEmpty();
        assertThat(lifecycle
                        .on(s, new Event.Tick(true, Duration.ofHours(1), Duration.ofSeconds(21), true, 0))
                        .actions())
                .contains(new Action.FailPendingSends("connection to WhatsApp lost for more than 20 s"))
                .doesNotContain(new Action.SnapshotInBackground());
        assertThat(lifecycle
                        .on(s, new Event.Tick(true, Duration.ofHours(1), null, true, 0))
                        .actions())
                .containsExactly(new Action.SnapshotInBackground());
        assertThat(lifecycle
                        .on(state(SessionStatus.SCAN_QR_CODE), new Event.Tick(true, Duration.ofHours(1), null, true, 0))
                        .actions())
                .as("snapshots only while working")
                .isEmpty();
    }
}
