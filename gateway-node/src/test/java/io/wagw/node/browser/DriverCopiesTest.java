package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void thisJvmCountsAsRunningAndANeverUsedPidDoesNot() {
        assertThat(DriverCopies.running(ProcessHandle.current().pid())).isTrue();
        assertThat(DriverCopies.running(Long.MAX_VALUE / 2)).isFalse();
    }
}
