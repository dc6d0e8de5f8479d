package io.wagw.node.testing;

import io.wagw.store.db.Postmaster;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server that a test can take away and bring back on the same port and data, as a
 * database restart or a managed database's failover does to the nodes using it.
 */
public final class StoppablePostgres implements AutoCloseable {
    private final EmbeddedPostgres first;
    private final Path dataDir;
    private final int port;
    private final Path bin;

    private StoppablePostgres(EmbeddedPostgres first, Path dataDir, int port, Path bin) {
        this.first = first;
        this.dataDir = dataDir;
        this.port = port;
        this.bin = bin;
    }

    public static StoppablePostgres start(Path dataDir) throws IOException {
        int port = TestEnv.freePort();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        long pid = pidFile(dataDir);
        Path exe =
                Path.of(ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElseThrow());
        return new StoppablePostgres(pg, dataDir, port, exe.getParent());
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Immediate shutdown (SIGQUIT): connections drop at once, nothing is checkpointed, as in a crash. */
    public void stopAbruptly() throws IOException, InterruptedException {
        long pid = pidFile(dataDir);
        new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Postmaster.running(pid)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL " + pid + " did not stop");
            }
            Thread.sleep(50);
        }
    }

    /** Starts the server again on the same port and data (crash recovery from its WAL). */
    public void startAgain() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(pgCtl(
                        "-D",
                        dataDir.toString(),
                        "-o",
                        "-p " + port + " -c max_connections=300 -c fsync=on -c synchronous_commit=on",
                        "-l",
                        dataDir.resolveSibling(dataDir.getFileName() + "-restart.log")
                                .toString(),
                        "-w",
                        "-t",
                        "60",
                        "start"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("PostgreSQL did not start again; see its log next to " + dataDir);
        }
    }

    @Override
    public void close() throws Exception {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            new ProcessBuilder(pgCtl("-D", dataDir.toString(), "-m", "fast", "-w", "stop"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(60, TimeUnit.SECONDS);
        }
        first.close(); // its own stop finds the server gone; it releases its lock
    }

    /** pg_ctl refuses to run as root: run it as the embedding library does, in a user namespace of its own. */
    private List<String> pgCtl(String... args) {
        List<String> cmd = new java.util.ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            cmd.addAll(List.of("/usr/bin/unshare", "-U"));
        }
        cmd.add(bin.resolve("pg_ctl").toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static long pidFile(Path dataDir) throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
        return Long.parseLong(lines.getFirst().trim());
    }
}
