package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverCopiesTest {
    @TempDir
    Path tmp;

    @Test
    void aStartDeletesOnlyTheCopiesOfJvmsThatAreGone() throws Exception {
        Path live = DriverCopies.create(tmp, 4242);
        Path dead = DriverCopies.create(tmp, 77);
        Files.writeString(dead.resolve("node"), "binary");
        Files.createDirectories(dead.resolve("sub"));
        Files.writeString(dead.resolve("sub").resolve("x"), "x");
        Path olderName = Files.createDirectory(tmp.resolve("wagw-driver-1234567")); // no pid in it: not ours to judge
        Path other = Files.createDirectory(tmp.resolve("wagw-spool-77-a"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("wagw-driver-78-link"), outside);

        int deleted = DriverCopies.sweep(tmp, pid -> pid == 4242);

        assertThat(deleted).isEqualTo(1);
        assertThat(dead).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(live.getFileName().toString()).startsWith("wagw-driver-4242-");
        assertThat(olderName).isDirectory();
        assertThat(other).isDirectory();
        assertThat(link).as("a link is not followed or removed").exists();
        assertThat(outside.resolve("keep")).hasContent("keep");
    }

    @Test
    void playwrightsUnpackedDriverLivesInTheCopyOfItsJvmAndGoesWithItAfterAKill() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process probe = new ProcessBuilder(
                        java,
                        "-Djava.io.tmpdir=" + tmp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        DriverProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String line = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line)
                    .as("the probe printed where Playwright unpacked its driver")
                    .isNotNull();
            Path driver = Path.of(line);
            assertThat(driver.getParent().getParent()).isEqualTo(tmp);
            assertThat(driver.getParent().getFileName().toString()).startsWith("wagw-driver-" + probe.pid() + "-");
            assertThat(driver.getFileName().toString()).startsWith("playwright-java-");
            assertThat(driver.resolve("package").resolve("cli.js")).isRegularFile();
            assertThat(driver.getParent().resolve("node")).isRegularFile();

            probe.destroyForcibly(); // SIGKILL: nothing deleted at exit
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(driver).exists();

            assertThat(DriverCopies.sweep(tmp, DriverCopies::running)).isEqualTo(1);
            assertThat(driver.getParent()).doesNotExist();
            try (var left = Files.list(tmp)) {
                assertThat(left).isEmpty();
            }
        } finally {
            probe.destroyForcibly();
        }
    }

    @Test
    void thisJvmCountsAsRunningAndANeverUsedPidDoesNot() {
        assertThat(DriverCopies.running(ProcessHandle.current().pid())).isTrue();
        assertThat(DriverCopies.running(Long.MAX_VALUE / 2)).isFalse();
    }
}
