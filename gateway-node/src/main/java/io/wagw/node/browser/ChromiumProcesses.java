package io.wagw.node.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads Chromium processes (and the driver that starts them): command lines, environment, memory, from {@code /proc} (Linux). */
public final class ChromiumProcesses {
    private ChromiumProcesses() {}

    /**
     * The process started by this JVM (directly or below its drivers) whose command line contains {@code marker}
     * as one argument. Only this JVM's descendants count: a browser another process left behind (a node killed
     * and started again with the same id, whose old browser has not exited yet) is never taken for ours.
     */
    public static OptionalLong findByMarker(String marker) {
        return ProcessHandle.current()
                .descendants()
                .mapToLong(ProcessHandle::pid)
                .filter(pid -> (" " + commandLine(pid) + " ").contains(" " + marker + " "))
                .min();
    }

    /**
     * Sets the nice value of the renderers of browser {@code browserPid}: its zygotes, from which every renderer
     * is forked (and inherits the value), and the renderers running already. The browser process itself keeps
     * the node's priority: every page's traffic to the node and to WhatsApp passes through it. False when it
     * failed or there was nothing to renice.
     */
    public static boolean reniceRenderers(long browserPid, int nice) {
        List<String> pids = ProcessHandle.of(browserPid).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(p -> {
                    String cmd = " " + commandLine(p.pid()) + " ";
                    return cmd.contains(" --type=zygote ") || cmd.contains(" --type=renderer ");
                })
                .map(p -> Long.toString(p.pid()))
                .toList();
        if (pids.isEmpty()) {
            return false;
        }
        List<String> cmd = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        cmd.addAll(pids);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** PSS and resident anonymous memory, in bytes. */
    public record Memory(long pssBytes, long anonBytes) {
        public static final Memory NONE = new Memory(0, 0);

        public Memory plus(Memory other) {
            return new Memory(pssBytes + other.pssBytes, anonBytes + other.anonBytes);
        }
    }

    /**
     * The memory of a process and all its descendants ({@link Memory#NONE} when gone); the resident anonymous
     * memory alone (PSS 0) when {@code withPss} is false: PSS costs a walk of every process's page tables, see
     * {@link PssEstimate}.
     */
    public static Memory memoryWithDescendants(long pid, boolean withPss) {
        return ProcessHandle.of(pid)
                .map(h -> Stream.concat(Stream.of(h), h.descendants())
                        .map(p -> new Memory(withPss ? pssBytes(p.pid()) : 0, anonBytes(p.pid())))
                        .reduce(Memory.NONE, Memory::plus))
                .orElse(Memory.NONE);
    }

    /** Resident anonymous memory of one process ({@code RssAnon} in {@code status}), in bytes (0 when unreadable). */
    public static long anonBytes(long pid) {
        return kilobytes(pid, "status", "RssAnon:") * 1024;
    }

    /** Proportional set size of one process from {@code smaps_rollup}, in bytes (0 when unreadable). */
    public static long pssBytes(long pid) {
        return kilobytes(pid, "smaps_rollup", "Pss:") * 1024;
    }

    /** The kB value of the line starting with {@code field} in {@code /proc/<pid>/<file>} (0 when unreadable). */
    private static long kilobytes(long pid, String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // process ended meanwhile or /proc is not readable
        }
        return 0;
    }

    /** A process's command line, its arguments separated by spaces ("" once it ended). */
    public static String commandLine(long pid) {
        return procText(pid, "cmdline");
    }

    /** A process's environment, its {@code NAME=value} entries separated by spaces ("" once it ended). */
    public static String environment(long pid) {
        return procText(pid, "environ");
    }

    private static String procText(long pid, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), file)), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .strip();
        } catch (IOException e) {
            return "";
        }
    }
}
