package io.wagw.node.session;

import static org.assertj.core.api.Assertions.assertThat;

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
    void theIdleTaskRunsWhenNothingArrives() throws InterruptedException {
        var idle = new CountDownLatch(1);
        var mailbox = new Mailbox("mailbox-test", Runnable::run, idle::countDown, t -> {});
        mailbox.start();
        assertThat(idle.await(5, TimeUnit.SECONDS)).isTrue();
        mailbox.close();
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
