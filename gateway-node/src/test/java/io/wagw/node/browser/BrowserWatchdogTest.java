package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dead man's switch outside the JVM, with real processes standing in for browsers: each one leads a
 * process group of its own (as Playwright launches Chromium) with a child in that group (as a renderer).
 */
class BrowserWatchdogTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** A "browser": setsid makes it a group leader; its child sleeps in the same group. */
    private ProcessHandle browser() throws IOException {
        Process p = new ProcessBuilder("setsid", "bash", "-c", "sleep 300 & wait").start();
        started.add(p);
        Await.until(
                "the child started",
                Duration.ofSeconds(5),
                () -> p.descendants().findAny().isPresent());
        return p.toHandle();
    }

    private static ProcessHandle child(ProcessHandle browser) {
        return browser.descendants().findFirst().orElseThrow();
    }

    @Test
    void aMissedDeadlineKillsEveryWatchedBrowserWithItsGroupAndSparesTheOthers() throws Exception {
        ProcessHandle watched = browser();
        ProcessHandle renderer = child(watched);
        ProcessHandle released = browser();
        try (BrowserWatchdog w = BrowserWatchdog.start("t1")) {
            w.watch(watched.pid());
            w.watch(released.pid());
            w.unwatch(released.pid());
            long armedAt = System.nanoTime();
            w.deadline(600);
            Await.until("killed", Duration.ofSeconds(5), () -> !watched.isAlive() && !renderer.isAlive());
            long afterMs = (System.nanoTime() - armedAt) / 1_000_000;
            assertThat(afterMs).as("killed at the deadline, not before").isGreaterThanOrEqualTo(550);
            Await.until("the watchdog exits after it fired", Duration.ofSeconds(5), () -> !w.alive());
            assertThat(released.isAlive()).as("an unwatched browser lives").isTrue();
        }
    }

    @Test
    void deadlinesRenewedInTimeKeepTheBrowserAliveAndNoDeadlineMeansNoKill() throws Exception {
        ProcessHandle watched = browser();
        try (BrowserWatchdog w = BrowserWatchdog.start("t2")) {
            w.watch(watched.pid());
            for (int i = 0; i < 15; i++) {
                w.deadline(400);
                Thread.sleep(100);
            }
            assertThat(watched.isAlive()).isTrue();
            w.deadline(BrowserWatchdog.NO_DEADLINE);
            Thread.sleep(1000);
            assertThat(watched.isAlive()).isTrue();
            assertThat(w.alive()).isTrue();
        }
        Thread.sleep(300);
        assertThat(watched.isAlive()).as("closing the watchdog kills nothing").isTrue();
    }

    @Test
    void aDeadlineAlreadyPassedKillsAtOnceAndANewWatchdogTakesOverTheWatch() throws Exception {
        ProcessHandle first = browser();
        ProcessHandle second = browser();
        try (BrowserWatchdog w = BrowserWatchdog.start("t3")) {
            long before = w.pid();
            w.watch(first.pid());
            w.deadline(0);
            Await.until("killed at once", Duration.ofSeconds(2), () -> !first.isAlive());
            Await.until("the watchdog exited", Duration.ofSeconds(5), () -> !w.alive());
            // the node goes on: a new watchdog watches what the node watches and keeps the deadlines
            w.unwatch(first.pid());
            w.watch(second.pid());
            assertThat(w.pid()).isNotEqualTo(before);
            w.deadline(300);
            Await.until("the new watchdog kills at its deadline", Duration.ofSeconds(5), () -> !second.isAlive());
        }
    }

    @Test
    void whenTheNodesEndClosesItsInputTheWatchdogKillsTheBrowsers() throws Exception {
        ProcessHandle watched = browser();
        // the "node" writes two lines and ends; the kernel closes the pipe as it would for a JVM killed with -9
        var pb = new ProcessBuilder(
                        "bash",
                        "-c",
                        "(echo \"w $2\"; echo 'd 60000'; sleep 0.5) | bash -c \"$1\" wagw-watchdog-t4",
                        "node",
                        BrowserWatchdog.script(),
                        Long.toString(watched.pid()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LC_ALL", "C");
        started.add(pb.start());
        Thread.sleep(250);
        assertThat(watched.isAlive()).as("alive while its node is").isTrue();
        Await.until("killed when the node's pipe closed", Duration.ofSeconds(5), () -> !watched.isAlive());
    }
}
