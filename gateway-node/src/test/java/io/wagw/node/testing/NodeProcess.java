package io.wagw.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.wagw.store.db.Postmaster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A gateway node in its own JVM ({@code io.wagw.node.Main run}), for multi-process tests. */
public final class NodeProcess implements AutoCloseable {
    /**
     * The node's JVM options file ({@code gateway-node/jvm.options}), found from the module folder (tests) or
     * the repository root (benchmarks); every node JVM a test or benchmark starts uses it, as the scripts do.
     */
    public static String jvmOptionsArg() {
        for (Path p : List.of(Path.of("jvm.options"), Path.of("gateway-node", "jvm.options"))) {
            if (Files.isRegularFile(p)) {
                return "@" + p.toAbsolutePath();
            }
        }
        throw new IllegalStateException(
                "gateway-node/jvm.options not found from " + Path.of("").toAbsolutePath());
    }

    /** What the scripts set for a node besides its options file. */
    public static final Map<String, String> NODE_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    private final String nodeId;
    private final Process process;
    private final Http http;
    private final File log;

    private NodeProcess(String nodeId, Process process, Http http, File log) {
        this.nodeId = nodeId;
        this.process = process;
        this.http = http;
        this.log = log;
    }

    public static NodeProcess start(String nodeId, Map<String, String> env, Path logDir) throws IOException {
        NodeProcess node = launch(nodeId, env, logDir);
        node.awaitHealthy(Duration.ofSeconds(90));
        return node;
    }

    /**
     * Starts a node as a terminal or a service manager would: leader of a process group of its own, so that a
     * signal to the group ({@link #signalGroup}) reaches every process in it, as Ctrl-C does.
     */
    public static NodeProcess startInOwnProcessGroup(String nodeId, Map<String, String> env, Path logDir)
            throws IOException {
        NodeProcess node = launch(nodeId, env, logDir, true);
        node.awaitHealthy(Duration.ofSeconds(90));
        return node;
    }

    /** Starts a node process without waiting for it to serve (for starts that are meant to fail). */
    public static NodeProcess launch(String nodeId, Map<String, String> env, Path logDir) throws IOException {
        return launch(nodeId, env, logDir, false);
    }

    private static NodeProcess launch(String nodeId, Map<String, String> env, Path logDir, boolean ownGroup)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ownGroup) {
            cmd.add("/usr/bin/setsid"); // execs the JVM in place: same pid, now a session and group leader
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(jvmOptionsArg());
        cmd.add("-Xmx768m");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.wagw.node.Main", "run"));
        var pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GW_"));
        pb.environment().putAll(NODE_ENV);
        pb.environment().putAll(env);
        File log = logDir.resolve(nodeId + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        Process p = pb.start();
        return new NodeProcess(
                nodeId, p, new Http("http://127.0.0.1:" + env.get("GW_HTTP_PORT"), env.get("GW_ADMIN_API_KEY")), log);
    }

    public String id() {
        return nodeId;
    }

    public Http http() {
        return http;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public File log() {
        return log;
    }

    private void awaitHealthy(Duration timeout) {
        Await.until(nodeId + " healthy (log: " + log + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError(nodeId + " exited with " + process.exitValue() + "; log: " + log);
            }
            try {
                return http.withKey(null).get("/health").status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** Sessions this node reports running (from its /health). */
    public int sessionsRunning() {
        JsonNode h = http.withKey(null).get("/health").json();
        return h.path("sessions").path("used").asInt();
    }

    /**
     * Node loss: SIGKILL to the JVM and, at the same instant, to its Chromium and driver processes, as when
     * the machine, the container or the systemd unit dies. (Killing the JVM alone leaves its browsers
     * connected for a moment, and a message WhatsApp hands them then is acknowledged by a page nobody reads.)
     */
    public void kill9() throws InterruptedException {
        // all but the embedded PostgreSQL's watchdog, which then stops that server as it would after a crash
        List<ProcessHandle> tree =
                process.descendants().filter(p -> !isWatchdog(p)).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * A crash: SIGKILL to the JVM alone, as the kernel's OOM killer or {@code kill -9 <pid>} does; what the node
     * started (browsers, drivers, its embedded PostgreSQL) is left to notice by itself.
     */
    public void killJvmOnly() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The node's descendant processes whose executable's name contains {@code fragment}. */
    public List<ProcessHandle> descendantsNamed(String fragment) {
        return process.descendants()
                .filter(p -> p.info()
                        .command()
                        .map(c -> Path.of(c).getFileName().toString().contains(fragment))
                        .orElse(false))
                .toList();
    }

    public int exitValue() {
        return process.exitValue();
    }

    private static boolean isWatchdog(ProcessHandle p) {
        return p.info()
                .arguments()
                .map(a -> List.of(a).contains(Postmaster.WATCHDOG_NAME))
                .orElse(false);
    }

    /** Sends a signal to the node's whole process group (see {@link #startInOwnProcessGroup}). */
    public void signalGroup(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                .start()
                .waitFor();
    }

    public void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .start()
                .waitFor();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Kills the node and its browsers (its whole process tree), so nothing outlives a test or benchmark. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
