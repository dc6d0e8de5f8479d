package io.wagw.node.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Chromium and the one platform thread that owns it. Playwright is not thread-safe, so this
 * thread created the {@link Playwright} object and runs every call for this browser's contexts and
 * pages; other threads {@link #submit} work to it. Between tasks the thread keeps Playwright's event
 * dispatch pumping so that page bindings (the bridge's events) fire promptly. When the browser
 * process dies, the host relaunches it on the same thread and tells its crash listener, which
 * restarts only the sessions that lived in it.
 */
public final class BrowserHost implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrowserHost.class);
    /**
     * The longest one pump slice lasts when no task comes; the thread then checks that the browser is still
     * connected. A task ends the slice at once ({@link DriverWait#wake}), or within Playwright's own poll interval
     * (10 ms) where the driver's connection could not be wrapped.
     */
    private static final long PUMP_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A safety timeout on a pump slice, far above the slice itself (which ends by its predicate). */
    private static final Page.WaitForConditionOptions PUMP_TIMEOUT =
            new Page.WaitForConditionOptions().setTimeout(60_000);

    private static final BrowserContext.WaitForConditionOptions CONTEXT_PUMP_TIMEOUT =
            new BrowserContext.WaitForConditionOptions().setTimeout(60_000);

    private final String id;
    private final BrowserSettings settings;
    private final Consumer<BrowserHost> onCrash;
    private final BrowserWatchdog watchdog;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Set<Page> pages = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** Tells this host's browsers from those of earlier hosts with the same id in this JVM. */
    private final long instance = INSTANCES.incrementAndGet();

    private volatile long generation;
    private volatile String version = "";
    /** PID of the current generation's browser process, found once after each launch. */
    private volatile OptionalLong pid = OptionalLong.empty();

    private Playwright playwright;
    private Browser browser;
    /** Null where Playwright's connection could not be wrapped (the thread then wakes every 10 ms). */
    private volatile DriverWait driverWait;
    /** For the current browser process; made on first use, on this thread. */
    private ContextPages contextPages;

    private long contextPagesGeneration;

    private BrowserHost(String id, BrowserSettings settings, Consumer<BrowserHost> onCrash, BrowserWatchdog watchdog) {
        this.id = id;
        this.settings = settings;
        this.onCrash = onCrash;
        this.watchdog = watchdog;
        this.thread = Thread.ofPlatform().name("browser-" + id).daemon(true).unstarted(this::loop);
    }

    /**
     * Starts the thread, which creates Playwright and launches Chromium; returns when the browser is up. Every
     * browser it launches is watched by {@code watchdog} until it is closed.
     */
    public static BrowserHost start(
            String id, BrowserSettings settings, Consumer<BrowserHost> onCrash, BrowserWatchdog watchdog) {
        var host = new BrowserHost(id, settings, onCrash, watchdog);
        host.thread.start();
        try {
            host.started.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            host.running = false;
            throw new IllegalStateException(
                    "Chromium did not start (" + settings.chromiumPath() + "): "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            host.running = false;
            throw new IllegalStateException("Chromium did not start within 60 s", e);
        }
        return host;
    }

    public String id() {
        return id;
    }

    /** Bumped every time the browser is (re)launched. */
    public long generation() {
        return generation;
    }

    /** Chromium's version, e.g. {@code 156.0.8078.79}. */
    public String version() {
        return version;
    }

    public boolean alive() {
        return running && thread.isAlive();
    }

    public boolean onHostThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this browser's thread. */
    public <T> CompletableFuture<T> submit(Function<Browser, T> task) {
        var result = new CompletableFuture<T>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("browser host " + id + " is closed"));
            return result;
        }
        tasks.add(() -> {
            if (result.isDone()) {
                return;
            }
            try {
                result.complete(task.apply(browser));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        DriverWait wait = driverWait;
        if (wait != null) {
            wait.wake();
        }
        return result;
    }

    /** Runs {@code task} on this browser's thread and waits for it (inline when already on it). */
    public <T> T call(Function<Browser, T> task, Duration timeout) {
        if (onHostThread()) {
            return task.apply(browser);
        }
        try {
            return submit(task).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "browser " + id + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for browser " + id, e);
        }
    }

    /** Registers a page whose event dispatch this thread pumps; call on this thread. */
    public void track(Page page) {
        pages.add(page);
        page.onClose(pages::remove);
    }

    /** Opens pages in this browser's contexts without waiting for each; call on this thread. */
    public ContextPages contextPages() {
        if (!onHostThread()) {
            throw new IllegalStateException("contextPages() is for browser " + id + "'s own thread");
        }
        if (contextPages == null || contextPagesGeneration != generation) {
            contextPages = new ContextPages(browser);
            contextPagesGeneration = generation;
        }
        return contextPages;
    }

    /** The PID of this browser's main Chromium process (found by the marker flag it was launched with). */
    public OptionalLong browserPid() {
        return pid;
    }

    /** Unique among the browsers this JVM ever launched, even of hosts that share an id (a node started again). */
    private String marker() {
        return "--wagw-browser=" + id + "." + instance + "." + generation;
    }

    private void loop() {
        try {
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(BrowserSettings.nodeDriverEnv()));
            driverWait = DriverWait.install(playwright, thread).orElse(null);
            launch();
            started.complete(null);
        } catch (Throwable t) {
            started.completeExceptionally(t);
            closePlaywright();
            return;
        }
        while (running) {
            try {
                Runnable task = tasks.poll();
                if (task != null) {
                    task.run();
                    continue;
                }
                // Pumps the driver's events (binding calls, pages opened without waiting) on this thread,
                // client-side: the wait checks the condition between polls of the driver's pipe and sends nothing to
                // the driver (Page.waitForTimeout would ask the driver to time each slice). A page or, before any
                // page is tracked, a context offers that wait.
                long sliceEnd = System.nanoTime() + PUMP_SLICE_NANOS;
                BooleanSupplier sliceOver = () -> !running || !tasks.isEmpty() || System.nanoTime() - sliceEnd >= 0;
                Page pump = pages.stream().filter(p -> !p.isClosed()).findAny().orElse(null);
                BrowserContext context = pump != null || browser == null
                        ? null
                        : browser.contexts().stream().findAny().orElse(null);
                if (pump != null) {
                    pump.waitForCondition(sliceOver, PUMP_TIMEOUT);
                } else if (context != null) {
                    context.waitForCondition(sliceOver, CONTEXT_PUMP_TIMEOUT);
                } else {
                    task = tasks.poll(100, TimeUnit.MILLISECONDS);
                    if (task != null) {
                        task.run();
                    }
                }
            } catch (PlaywrightException e) {
                // a page closed under the pump, or the browser went away; the disconnect handler decides
                pages.removeIf(Page::isClosed);
            } catch (InterruptedException e) {
                running = false;
            } catch (Throwable t) {
                log.error("browser {}: unexpected error in the browser thread", id, t);
            }
            if (running && browser != null && !browser.isConnected()) {
                relaunchAfterCrash();
            }
        }
        closePlaywright();
    }

    private void launch() {
        generation++;
        List<String> args = new ArrayList<>(BrowserSettings.BASE_ARGS);
        args.addAll(BrowserSettings.SHARED_BROWSER_ARGS);
        args.addAll(settings.extraArgs());
        args.add(marker());
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(settings.chromiumPath())
                        .setHeadless(settings.headless())
                        .setArgs(args));
        version = browser.version();
        pid = ChromiumProcesses.findByMarker(marker());
        if (pid.isEmpty()) {
            browser.close();
            throw new PlaywrightException("the browser's process was not found, so the watchdog cannot watch it");
        }
        watchdog.watch(pid.getAsLong());
        if (!ChromiumProcesses.reniceRenderers(pid.getAsLong(), BrowserSettings.NICE)) {
            log.warn(
                    "browser {}: could not lower its renderers' priority (renice); under load they compete with the node's JVM",
                    id);
        }
        log.info("browser {} launched (Chromium {}, generation {})", id, version, generation);
    }

    private void relaunchAfterCrash() {
        log.warn("browser {} (generation {}) disconnected; relaunching", id, generation);
        pages.clear();
        try {
            browser.close();
        } catch (PlaywrightException ignored) {
            // already gone
        }
        pid.ifPresent(watchdog::unwatch);
        try {
            launch();
        } catch (PlaywrightException e) {
            log.error("browser {}: relaunch failed", id, e);
            running = false;
        }
        try {
            onCrash.accept(this);
        } catch (RuntimeException e) {
            log.error("browser {}: crash listener failed", id, e);
        }
    }

    private void closePlaywright() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run(); // completes pending futures: browser is null or closing, they fail fast
        }
        try {
            if (browser != null) {
                browser.close();
            }
        } catch (PlaywrightException ignored) {
            // best effort on shutdown
        }
        pid.ifPresent(watchdog::unwatch);
        try {
            if (playwright != null) {
                playwright.close();
            }
        } catch (PlaywrightException ignored) {
            // best effort on shutdown
        }
    }

    /** Closes every context and the browser, then ends the thread. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        var done = submit(b -> {
            running = false;
            return null;
        });
        try {
            done.get(30, TimeUnit.SECONDS);
            thread.join(30_000);
        } catch (Exception e) {
            running = false;
            thread.interrupt();
        }
    }
}
