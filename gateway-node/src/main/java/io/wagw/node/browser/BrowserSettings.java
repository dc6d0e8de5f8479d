package io.wagw.node.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How Chromium and its Playwright driver are launched. {@code extraArgs} come after the flags this closed,
 * root-run environment needs (no sandbox, no GPU, no background networking) and those of a shared browser.
 */
public record BrowserSettings(Path chromiumPath, boolean headless, List<String> extraArgs) {
    /**
     * The nice value of Chromium's renderers: under a burst the renderers (a hundred of them at 100 sessions)
     * would otherwise take the cores from what carries the messages on (the browser process, the Playwright
     * driver and the node's JVM, which stores them, renews the leases and answers HTTP). The lowest priority,
     * because they are many: at nice 5 fifty runnable renderers still outweigh a JVM thread sixteen times;
     * at 19 they get the CPU nobody else wants. Measured at 100 sessions with the kernel's autogroups off:
     * page to handler p99 102 ms (see docs/benchmarks.md); with autogroups on (and the node in the root CPU
     * cgroup, see {@link SchedulerGroups}), each browser's processes are one group for the scheduler and this
     * only orders them within it.
     */
    public static final int NICE = 19;

    /** Flags every browser gets: root needs no sandbox; the closed network needs no background traffic. */
    public static final List<String> BASE_ARGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            // Sessions live in background tabs of a headless browser: keep their timers and sockets at full speed.
            "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows");

    /**
     * Flags for a browser that hosts many sessions, as a node's browsers do: the network service runs inside
     * the browser process instead of a utility process of its own (as Chrome does on low-memory Android),
     * about 10 MB less per browser. A network-service crash then takes the browser with it, which the host
     * already handles by relaunching the browser and restarting its sessions. Chromium keeps only the last
     * {@code --enable-features}, so this repeats the one Playwright passes ({@code CDPScreenshotNewSurface}).
     */
    public static final List<String> SHARED_BROWSER_ARGS =
            List.of("--enable-features=CDPScreenshotNewSurface,NetworkServiceInProcess2");

    /**
     * The Playwright driver is a Node.js process per browser. V8's default young generation (semi-spaces of
     * up to 16 MB) keeps about 50 MB more resident in it than 1 MB semi-spaces do, measured with 10 contexts;
     * the driver's garbage is short protocol messages, which small scavenges handle well.
     * <p>
     * glibc's malloc settings: one arena, and blocks from 32 KB up mapped on their own and given back when
     * freed (the driver reads its 7 MB of bundled JavaScript through such buffers at start-up; by default
     * glibc raises its thresholds and keeps them). An idle driver measured 53 MB anonymous memory with these
     * against 62 MB with two arenas and the defaults; a node pays that once per browser. Chromium, which the
     * driver starts, inherits them; it allocates through PartitionAlloc and measured the same either way.
     */
    public static final Map<String, String> DRIVER_ENV = Map.of(
            "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD",
            "1",
            "NODE_OPTIONS",
            "--max-semi-space-size=1",
            "MALLOC_ARENA_MAX",
            "1",
            "MALLOC_MMAP_THRESHOLD_",
            "32768",
            "MALLOC_TRIM_THRESHOLD_",
            "32768");

    /**
     * What a node's drivers run with: {@link #DRIVER_ENV}, and the driver started in a session of its own
     * ({@code setsid}), so that its Chromium does not share the node's process group. Ctrl-C in a terminal
     * (or any signal to the group) then reaches the node's JVM, which stops gracefully (final snapshots go
     * through the driver and the browser), not the browsers under it. A killed JVM still takes them along:
     * the driver ends when its pipe from the JVM closes, and closes its browser.
     */
    public static Map<String, String> nodeDriverEnv() {
        return SessionOfItsOwn.ENV;
    }

    /** The system property that tells Playwright where to unpack its driver package. */
    private static final String PLAYWRIGHT_TMPDIR = "playwright.driver.tmpdir";

    private static final class SessionOfItsOwn {
        static final Map<String, String> ENV = build();

        // Playwright runs PLAYWRIGHT_NODEJS_PATH with cli.js; exec keeps the pid and the pipes the JVM started,
        // and setsid needs no fork since the JVM's children are not process-group leaders. With that variable
        // set Playwright does not unpack its bundled Node.js, so it is unpacked here, once per JVM.
        private static Map<String, String> build() {
            String platform = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> "linux";
                case "aarch64", "arm64" -> "linux-arm64";
                default -> null;
            };
            if (platform == null
                    || !System.getProperty("os.name").toLowerCase().contains("linux")
                    || !Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                return DRIVER_ENV;
            }
            try (var node =
                    BrowserSettings.class.getClassLoader().getResourceAsStream("driver/" + platform + "/node")) {
                if (node == null) {
                    return DRIVER_ENV;
                }
                Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
                DriverCopies.sweep(tmp, DriverCopies::running);
                Path dir = DriverCopies.create(tmp, ProcessHandle.current().pid());
                Path binary = dir.resolve("node");
                Files.copy(node, binary);
                Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
                Path wrapper = dir.resolve("node-in-own-session.sh");
                Files.writeString(wrapper, "#!/bin/sh\nexec /usr/bin/setsid '" + binary + "' \"$@\"\n");
                Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
                for (Path p : new Path[] {dir, binary, wrapper}) {
                    p.toFile().deleteOnExit(); // registered in this order, deleted in reverse
                }
                // Playwright unpacks its driver package (14 MB) into a temporary directory of its own once per JVM
                // and deletes it at exit; a killed JVM leaves it behind. Inside this JVM's copy, the sweep of the
                // next start takes it along (it registers its files for deletion after these: they go first).
                if (System.getProperty(PLAYWRIGHT_TMPDIR) == null) {
                    System.setProperty(PLAYWRIGHT_TMPDIR, dir.toString());
                }
                var env = new HashMap<>(DRIVER_ENV);
                env.put("PLAYWRIGHT_NODEJS_PATH", wrapper.toString());
                return Map.copyOf(env);
            } catch (IOException e) {
                return DRIVER_ENV; // the drivers then share the node's process group, as before
            }
        }
    }

    /**
     * The browser a node uses when {@code GW_CHROMIUM_PATH} is not set: Debian's Chromium headless shell
     * (package {@code chromium-headless-shell}; the binary itself, not the {@code /usr/bin} wrapper script,
     * which does not exec and would hide the browser behind a shell process), else the full Chromium. The
     * shell measured 0.45 s of machine CPU per session restore against 1.5 s for the full browser in
     * headless mode, and WhatsApp Web needs nothing the shell lacks.
     */
    public static final List<Path> DEFAULT_EXECUTABLES =
            List.of(Path.of("/usr/lib/chromium/chromium-headless-shell"), Path.of("/usr/bin/chromium"));

    /** The first of {@link #DEFAULT_EXECUTABLES} that exists (the last one when none does, for the error). */
    public static Path defaultExecutable() {
        return DEFAULT_EXECUTABLES.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(DEFAULT_EXECUTABLES.getLast());
    }

    public BrowserSettings {
        extraArgs = List.copyOf(extraArgs);
    }

    public static BrowserSettings headless(Path chromiumPath) {
        return new BrowserSettings(chromiumPath, true, List.of());
    }
}
