package io.wagw.node.browser;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

/**
 * The node's own copy of the Playwright driver's Node.js (about 120 MB), unpacked into a directory named after
 * the JVM's pid, with Playwright's own unpacked driver package (14 MB) inside it. A JVM that exits deletes its
 * copy; one that was killed cannot, so each start first deletes the copies of JVMs that are gone (a node
 * restarted after crashes would otherwise fill the temporary directory, 134 MB per restart).
 */
final class DriverCopies {
    static final String PREFIX = "wagw-driver-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,18})-[^/]*");

    private DriverCopies() {}

    /** A new directory only its owner may read, for the copy of the JVM {@code pid}. */
    static Path create(Path tmp, long pid) throws IOException {
        return Files.createTempDirectory(
                tmp,
                PREFIX + pid + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Deletes the copies in {@code tmp} that belong to this user and to a JVM that is not {@code alive}; returns
     * how many. Nothing else is touched, and links are not followed.
     */
    static int sweep(Path tmp, LongPredicate alive) {
        int deleted = 0;
        String me = System.getProperty("user.name");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : entries) {
                var m = NAME.matcher(dir.getFileName().toString());
                if (!m.matches()
                        || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                        || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS)
                                .getName()
                                .equals(me)
                        || alive.test(Long.parseLong(m.group(1)))) {
                    continue;
                }
                deleteTree(dir);
                deleted++;
            }
        } catch (IOException e) {
            // another JVM swept at the same time, or the directory is not readable: the next start tries again
        }
        return deleted;
    }

    /** Whether the process {@code pid} runs. */
    static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
