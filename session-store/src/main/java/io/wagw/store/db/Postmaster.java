package io.wagw.store.db;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL server tied to the node that started it. {@code pg_ctl} starts the server
 * in a session of its own, so it survives its node's death; left running, it keeps the data folder
 * locked and the next start of the node fails. Two measures:
 * <ul>
 *   <li>{@link #stopOrphan}: before a start (with the {@link DataFolderLock} held, so no live node owns the
 *       folder), a server still named in {@code postmaster.pid} is stopped (fast shutdown: committed data
 *       is on disk, open transactions roll back);</li>
 *   <li>{@link #watch}: a small shell process, a child of the node, waits for end of file on a pipe whose
 *       only writer is the node's JVM. The kernel closes that pipe however the JVM dies, and the watchdog
 *       then stops the server. It ignores the terminal's and the process group's signals (Ctrl-C), so a
 *       graceful stop still has its database.</li>
 * </ul>
 */
public final class Postmaster {
    private static final Logger log = LoggerFactory.getLogger(Postmaster.class);
    static final String PID_FILE = "postmaster.pid";
    /** Marks the watchdog's command line ({@code $0} of its shell), for operators and tests. */
    public static final String WATCHDOG_NAME = "wagw-pg-watchdog";

    // $1 the postmaster's pid, $2 its postmaster.pid file. Stops it only while that file still names it
    // (a server that stopped cleanly removed the file; a reused pid is not ours). SIGINT is PostgreSQL's
    // fast shutdown; SIGQUIT (immediate, recovered from the WAL at the next start) only if that hangs.
    private static final String WATCHDOG = """
            trap '' INT TERM HUP QUIT
            while read -r _; do :; done
            ours() { [ -f "$2" ] && [ "$(head -n 1 "$2" 2>/dev/null)" = "$1" ]; }
            ours "$1" "$2" || exit 0
            kill -INT "$1" 2>/dev/null
            i=0
            while ours "$1" "$2" && kill -0 "$1" 2>/dev/null; do
              i=$((i + 1))
              [ "$i" -eq 300 ] && kill -QUIT "$1" 2>/dev/null
              [ "$i" -ge 400 ] && exit 1
              sleep 0.1
            done
            """;

    private Postmaster() {}

    /** The pid in the server's {@code postmaster.pid}, if the file is there. */
    static Optional<Long> pidOf(Path pgDir) {
        try {
            List<String> lines = Files.readAllLines(pgDir.resolve(PID_FILE), StandardCharsets.US_ASCII);
            if (!lines.isEmpty() && lines.getFirst().trim().matches("\\d{1,10}")) {
                return Optional.of(Long.parseLong(lines.getFirst().trim()));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops a server of {@code pgDir} left running by an earlier node process, if there is one. Call it
     * only while holding the folder's {@link DataFolderLock}. Returns the pid it stopped.
     */
    public static Optional<Long> stopOrphan(Path pgDir, Duration timeout) {
        Optional<Long> pid = pidOf(pgDir).filter(p -> isPostgres(p));
        if (pid.isEmpty()) {
            return Optional.empty(); // no file, or a stale one: PostgreSQL removes a stale file itself
        }
        long p = pid.get();
        log.warn(
                "the embedded PostgreSQL of {} is still running (pid {}) although its node is gone: stopping it",
                pgDir,
                p);
        long deadline = System.nanoTime() + timeout.toNanos();
        signal(p, "INT");
        if (!awaitGone(p, deadline)) {
            log.warn("PostgreSQL pid {} did not finish a fast shutdown in {}: immediate shutdown", p, timeout);
            signal(p, "QUIT");
            if (!awaitGone(p, System.nanoTime() + Duration.ofSeconds(10).toNanos())) {
                throw new IllegalStateException("could not stop the orphaned embedded PostgreSQL (pid " + p + ") of "
                        + pgDir + "; stop it by hand (kill " + p + ") and start the node again");
            }
        }
        log.info("orphaned PostgreSQL pid {} stopped", p);
        return pid;
    }

    private static boolean isPostgres(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !running(pid)) {
            return false;
        }
        // a reused pid is not ours: the process must be a postgres (the executable's path may be hidden
        // for a process of another user; its command line is not)
        String exe = handle.get().info().command().orElse("");
        return exe.endsWith("/postgres") || readCmdline(pid).contains("postgres");
    }

    private static String readCmdline(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean awaitGone(long pid, long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos) {
            if (!running(pid)) {
                return true;
            }
            sleep(Duration.ofMillis(50));
        }
        return false;
    }

    /** Whether a process runs; an exited one its parent has not reaped yet (a zombie) does not. */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z' && stat.charAt(end + 2) != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("could not signal PostgreSQL pid " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL to stop", e);
        }
    }

    /** Starts the watchdog for the running server of {@code pgDir}. */
    public static Watchdog watch(Path pgDir) {
        long pid = pidOf(pgDir).orElseThrow(() -> new IllegalStateException("no " + PID_FILE + " in " + pgDir));
        try {
            Process p = new ProcessBuilder(
                            "/bin/sh",
                            "-c",
                            WATCHDOG,
                            WATCHDOG_NAME,
                            Long.toString(pid),
                            pgDir.resolve(PID_FILE).toAbsolutePath().toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(p, pid);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the PostgreSQL watchdog", e);
        }
    }

    /** The running watchdog; {@link #close} after the server stopped (it then exits without doing anything). */
    public static final class Watchdog implements AutoCloseable {
        private final Process process;
        private final long postmasterPid;

        private Watchdog(Process process, long postmasterPid) {
            this.process = process;
            this.postmasterPid = postmasterPid;
        }

        public long pid() {
            return process.pid();
        }

        public long postmasterPid() {
            return postmasterPid;
        }

        @Override
        public void close() {
            try (OutputStream in = process.getOutputStream()) {
                in.flush();
            } catch (IOException ignored) {
                // the end of file is what it waits for; a closed pipe is the same
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
