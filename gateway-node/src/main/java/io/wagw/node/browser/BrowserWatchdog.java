package io.wagw.node.browser;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's dead man's switch: a small bash process ({@code watchdog.sh}) outside the JVM that kills the
 * node's browsers when the JVM stops confirming, in time, that its sessions' leases hold. The node sends it
 * a deadline after every lease renewal round; a JVM that is frozen (a stop signal, a pause), cut off from
 * the database, or dead sends none, the deadline passes and every watched browser is killed, which closes
 * its pages' WhatsApp connections (they live in the browser process) before another node may take any of
 * the sessions over. One line through a pipe per renewal round replaces a question per page every two
 * seconds through the Playwright driver.
 *
 * <p>The watchdog outlives nothing of the node's: it exits when the node closes it, when its input ends (the
 * node died: it kills the browsers first) and after it fired.
 */
public final class BrowserWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrowserWatchdog.class);
    private static final String SCRIPT = Scripts.load(BrowserWatchdog.class, "watchdog.sh");

    /** For {@link #deadline}: nothing to protect, the browsers may stay up. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final String name;
    private final Set<Long> watched = new LinkedHashSet<>();
    private Process process;
    private OutputStream input;
    /** The last deadline sent, as {@link System#nanoTime()}; {@code null}: none. */
    private Long deadlineNanos;

    private boolean closed;

    private BrowserWatchdog(String name) {
        this.name = name;
    }

    /** Starts the watchdog process of node {@code nodeId}. */
    public static BrowserWatchdog start(String nodeId) {
        BrowserWatchdog w = new BrowserWatchdog("wagw-watchdog-" + nodeId);
        synchronized (w) {
            w.launch();
        }
        return w;
    }

    /** Kills {@code pid} (and its process group) when the deadline passes. */
    public synchronized void watch(long pid) {
        watched.add(pid);
        send("w " + pid);
    }

    /** The browser {@code pid} was closed by the node. */
    public synchronized void unwatch(long pid) {
        if (watched.remove(pid)) {
            send("u " + pid);
        }
    }

    /**
     * The watched browsers may stay up {@code ms} more milliseconds (0 or less: kill them now), or, with
     * {@link #NO_DEADLINE}, as long as they like (no session holds a lease).
     */
    public synchronized void deadline(long ms) {
        deadlineNanos = ms == NO_DEADLINE ? null : System.nanoTime() + Math.max(0, ms) * 1_000_000;
        send(ms == NO_DEADLINE ? "d -" : "d " + Math.max(0, ms));
    }

    /** The watchdog's process id (for tests and diagnostics). */
    public synchronized long pid() {
        return process.pid();
    }

    /** Whether the watchdog process runs (it exits after it fired). */
    public synchronized boolean alive() {
        return process.isAlive();
    }

    /** Ends the watchdog without killing anything (the node closed its browsers itself). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            input.write("q\n".getBytes(StandardCharsets.US_ASCII));
            input.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void launch() {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", SCRIPT, name)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("LC_ALL", "C"); // EPOCHREALTIME with a dot
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the browser watchdog (bash is required)", e);
        }
        input = process.getOutputStream();
    }

    /**
     * Writes one line; when the watchdog is gone (it fired, or was killed), starts a new one and tells it
     * what it must watch and the deadline still ahead (one that passed is not repeated: the node's next
     * renewal round sends a new one). A watchdog that fired has killed the browsers it watched; their hosts
     * relaunch them.
     */
    private void send(String line) {
        if (closed) {
            return;
        }
        try {
            write(line);
        } catch (IOException e) {
            log.warn("{} is gone (exit {}); starting a new one", name, exitValue());
            launch();
            try {
                for (long pid : watched) {
                    write("w " + pid);
                }
                long left = deadlineNanos == null ? 0 : (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (!line.startsWith("d ") && left > 0) {
                    write("d " + left);
                }
                write(line);
            } catch (IOException again) {
                throw new UncheckedIOException("the browser watchdog does not take input", again);
            }
        }
    }

    private void write(String line) throws IOException {
        if (!process.isAlive()) {
            throw new IOException("exited");
        }
        input.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        input.flush();
    }

    private String exitValue() {
        try {
            return Integer.toString(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "unknown";
        }
    }

    /** The watchdog's bash script. */
    static String script() {
        return SCRIPT;
    }
}
