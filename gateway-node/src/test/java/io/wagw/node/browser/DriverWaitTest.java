package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.wagw.node.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A browser thread with a page to pump, against a real Chromium: idle, it sleeps instead of waking every 10 ms, and
 * still runs a submitted task and delivers a page's binding call at once.
 */
class DriverWaitTest {
    private static final String ID = "dwait";

    @Test
    void anIdleBrowserThreadSleepsYetTasksAndPageCallsReachItAtOnce() throws Exception {
        var pageCalls = new LinkedBlockingQueue<Long>();
        try (var watchdog = BrowserWatchdog.start(ID);
                var host = BrowserHost.start(ID, BrowserSettings.headless(TestEnv.chromium()), h -> {}, watchdog)) {
            Page page = host.call(
                    browser -> {
                        Page p = browser.newContext().newPage();
                        p.exposeFunction("sent", args -> {
                            pageCalls.add(System.currentTimeMillis() - ((Number) args[0]).longValue());
                            return null;
                        });
                        host.track(p);
                        return p;
                    },
                    Duration.ofSeconds(30));
            Path thread = threadDir("browser-" + ID);
            Thread.sleep(500);

            long before = voluntarySwitches(thread);
            Thread.sleep(3_000);
            long switches = voluntarySwitches(thread) - before;
            assertThat(switches)
                    .as("wake-ups of the idle browser thread in 3 s (Playwright's 10 ms poll alone makes 300)")
                    .isLessThan(40);

            List<Long> taskMs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long submitted = System.nanoTime();
                long ran = host.submit(b -> System.nanoTime()).get(5, TimeUnit.SECONDS);
                taskMs.add((ran - submitted) / 1_000_000);
                Thread.sleep(150);
            }
            assertThat(Collections.max(taskMs))
                    .as("ms from submit to the task running on a sleeping browser thread: %s", taskMs)
                    .isLessThan(100);

            host.call(
                    b -> page.evaluate(
                            "() => { let n = 0; const t = setInterval(() => { sent(Date.now()); if (++n === 10) clearInterval(t); }, 150); }"),
                    Duration.ofSeconds(10));
            List<Long> callMs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Long ms = pageCalls.poll(5, TimeUnit.SECONDS);
                assertThat(ms).as("page call %d arrived", i).isNotNull();
                callMs.add(ms);
            }
            assertThat(Collections.max(callMs))
                    .as("ms from the page's call to its handler on the browser thread: %s", callMs)
                    .isLessThan(100);
        }
    }

    /** This JVM's thread of that name, as the kernel sees it. */
    private static Path threadDir(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                        try {
                            return Files.readString(t.resolve("comm")).strip().equals(name);
                        } catch (IOException e) {
                            return false; // the thread ended
                        }
                    })
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no thread named " + name));
        }
    }

    private static long voluntarySwitches(Path thread) throws IOException {
        return Files.readAllLines(thread.resolve("status")).stream()
                .filter(l -> l.startsWith("voluntary_ctxt_switches:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
                .findFirst()
                .orElseThrow();
    }
}
