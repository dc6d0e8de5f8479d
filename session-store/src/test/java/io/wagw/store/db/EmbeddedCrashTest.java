package io.wagw.store.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.TestStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL never outlives its node for long, and a node that died however it died starts
 * again on the same folder with everything it committed. Each test kills a real JVM with SIGKILL.
 */
class EmbeddedCrashTest {
    @TempDir
    Path dataDir;

    private Process holder;

    @AfterEach
    void killLeftovers() {
        if (holder != null) {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
        }
        Postmaster.pidOf(dataDir.resolve("postgres"))
                .flatMap(ProcessHandle::of)
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void theServerStopsWhenItsNodeIsKilledAndTheNextStartFindsTheCommittedData() throws Exception {
        String tenant = TestStore.unique("crash");
        startHolder(tenant);
        long postmaster = Postmaster.pidOf(dataDir.resolve("postgres")).orElseThrow();
        assertThat(Postmaster.running(postmaster)).as("the server runs").isTrue();

        holder.destroyForcibly(); // SIGKILL to the JVM alone, as an OOM kill does
        holder.waitFor();
        long killedAt = System.nanoTime();
        awaitGone(postmaster, Duration.ofSeconds(15));
        long stoppedMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("embedded PostgreSQL gone %d ms after its node's kill -9%n", stoppedMs);

        long t0 = System.nanoTime();
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            System.out.printf("store reopened in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(store.tenants().get(tenant).displayName()).isEqualTo("Written before the crash");
        }
    }

    @Test
    void aServerLeftRunningByADeadNodeIsStoppedAndTheStartGoesOn() throws Exception {
        String tenant = TestStore.unique("orphan");
        startHolder(tenant);
        Path pgDir = dataDir.resolve("postgres");
        long orphan = Postmaster.pidOf(pgDir).orElseThrow();
        // the watchdog dies first (as when something kills every process of the node but the server)
        List<ProcessHandle> watchdogs = holder.descendants()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains(Postmaster.WATCHDOG_NAME))
                        .orElse(false))
                .toList();
        assertThat(watchdogs).as("the node runs a watchdog for its server").hasSize(1);
        watchdogs.getFirst().destroyForcibly();
        watchdogs.getFirst().onExit().get(5, TimeUnit.SECONDS);
        holder.destroyForcibly();
        holder.waitFor();
        Thread.sleep(1000);
        assertThat(Postmaster.running(orphan)).as("the orphan is still running").isTrue();

        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThat(Postmaster.running(orphan)).as("the orphan was stopped").isFalse();
            assertThat(Postmaster.pidOf(pgDir)).isPresent().get().isNotEqualTo(orphan);
            assertThat(store.tenants().get(tenant).displayName()).isEqualTo("Written before the crash");
        }
    }

    @Test
    void aFolderThatALiveNodeHoldsIsRefusedNamingThatProcess() throws Exception {
        startHolder(TestStore.unique("live"));
        long postmaster = Postmaster.pidOf(dataDir.resolve("postgres")).orElseThrow();

        assertThatThrownBy(() -> SessionStore.open(StoreConfig.embedded(dataDir)))
                .isInstanceOf(DataFolderLock.FolderInUse.class)
                .hasMessageContaining("in use by process " + holder.pid())
                .hasMessageContaining(dataDir.toAbsolutePath().toString());
        assertThat(Postmaster.running(postmaster))
                .as("the live node's server was left alone")
                .isTrue();
        assertThat(holder.isAlive()).isTrue();
    }

    @Test
    void aFolderThisProcessHoldsIsRefusedToo() {
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThatThrownBy(() -> SessionStore.open(StoreConfig.embedded(dataDir)))
                    .isInstanceOf(DataFolderLock.FolderInUse.class)
                    .hasMessageContaining(
                            "in use by process " + ProcessHandle.current().pid());
            assertThat(store.reachable()).isTrue();
        }
    }

    private void startHolder(String tenant) throws IOException, InterruptedException, Exception {
        var pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StoreHolder.class.getName(),
                dataDir.toString(),
                tenant);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        holder = pb.start();
        var ready = CompletableFuture.supplyAsync(() -> {
            try (var in = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("ready")) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(ready.get(90, TimeUnit.SECONDS))
                .as("the holder JVM opened its store")
                .isTrue();
    }

    private static void awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Postmaster.running(pid)) {
            assertThat(System.nanoTime())
                    .as("PostgreSQL pid %d still running %s after its node died", pid, timeout)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
