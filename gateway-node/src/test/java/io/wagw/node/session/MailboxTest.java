package io.wagw.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The worker's serial executor, without a session. */
class MailboxTest {

    @Test
    void tasksRunInOrderOnOneThreadOnlyOnceStarted() throws InterruptedException {
        List<String> ran = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        var done = new CountDownLatch(3);
        var mailbox = new Mailbox(
                "mailbox-test",
                r -> {
                    threads.add(Thread.currentThread().getName());
                    r.run();
                    done.countDown();
                },
                () -> {},
                t -> {});
        mailbox.post(() -> ran.add("a"));
        mailbox.post(() -> ran.add("b"));
        mailbox.post(() -> ran.add("c"));
        Thread.sleep(100);
        assertThat(ran).as("nothing runs before start()").isEmpty();
        mailbox.start();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(threads).containsOnly("mailbox-test");
        mailbox.close();
    }

    @Test
    void aFailingTaskGoesToTheHandlerAndTheMailboxGoesOn() throws InterruptedException {
        var failure = new AtomicReference<Throwable>();
        var after = new CountDownLatch(1);
        var mailbox = new Mailbox("mailbox-test", Runnable::run, () -> {}, failure::set);
        mailbox.start();
        mailbox.post(() -> {
            throw new IllegalStateException("boom");
        });
        mailbox.post(after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        mailbox.close();
    }

    @Test
    void theTickRunsWhenNothingArrives() throws InterruptedException {
        var tick = new CountDownLatch(1);
        var mailbox = new Mailbox("mailbox-test", Runnable::run, tick::countDown, t -> {});
        mailbox.start();
        assertThat(tick.await(5, TimeUnit.SECONDS)).isTrue();
        mailbox.close();
    }

    @Test
    void theTickRunsAboutOnceASecondAlsoWhileTasksKeepComing() throws InterruptedException {
        List<String> ran = new CopyOnWriteArrayList<>();
        var mailbox = new Mailbox("mailbox-test", Runnable::run, () -> ran.add("tick"), t -> {});
        mailbox.start();
        for (int i = 0; i < 35; i++) {
            mailbox.post(() -> ran.add("task"));
            Thread.sleep(100);
        }
        mailbox.close();
        assertThat(ran.stream().filter("tick"::equals).count())
                .as("ticks in 3.5 s of a task every 100 ms")
                .isBetween(2L, 5L);
    }

    @Test
    void mailboxesStartedAtDifferentTimesTickTogether() throws InterruptedException {
        List<Long> ticks = new CopyOnWriteArrayList<>();
        List<Mailbox> mailboxes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            var m = new Mailbox("mailbox-test-" + i, Runnable::run, () -> ticks.add(System.nanoTime()), t -> {});
            m.start();
            mailboxes.add(m);
            Thread.sleep(20);
        }
        ticks.clear();
        Thread.sleep(3_000);
        mailboxes.forEach(Mailbox::close);
        List<Long> sorted = ticks.stream().sorted().toList();
        assertThat(sorted).as("every mailbox ticked in 3 s").hasSizeGreaterThanOrEqualTo(100);
        // rounds are the runs of ticks less than 300 ms apart; one timer per mailbox spread them over the second
        long widestRoundMs = 0;
        long roundStart = sorted.get(0);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i) - sorted.get(i - 1) > 300_000_000L) {
                roundStart = sorted.get(i);
            }
            widestRoundMs = Math.max(widestRoundMs, (sorted.get(i) - roundStart) / 1_000_000);
        }
        assertThat(widestRoundMs)
                .as("ms from the first to the last tick of one round, 50 mailboxes started 20 ms apart")
                .isLessThan(150);
    }

    @Test
    void queuedTasksCanBeRunOnTheCallersThreadAndAClosedMailboxTakesNothing() {
        List<String> ran = new CopyOnWriteArrayList<>();
        var mailbox = new Mailbox("mailbox-test", Runnable::run, () -> {}, t -> {});
        Runnable keep = () -> ran.add("kept");
        mailbox.post(() -> ran.add("x"));
        mailbox.post(keep);
        mailbox.post(() -> {
            throw new IllegalStateException("ignored");
        });
        List<RuntimeException> failed = new CopyOnWriteArrayList<>();
        mailbox.runQueued(r -> r == keep, failed::add);
        assertThat(ran).containsExactly("kept");
        mailbox.runAllQueued(failed::add);
        assertThat(ran).containsExactly("kept", "x");
        assertThat(failed).singleElement().extracting(Throwable::getMessage).isEqualTo("ignored");

        mailbox.close();
        mailbox.post(() -> ran.add("late"));
        mailbox.runAllQueued(failed::add);
        assertThat(ran).containsExactly("kept", "x");
        assertThat(mailbox.closed()).isTrue();
    }
}
