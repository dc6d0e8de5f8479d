package io.wagw.store.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One live process per data folder. The lock is an OS file lock on {@code node.lock} in the folder, so
 * the kernel releases it however its holder dies (a crash, {@code kill -9}, an OOM kill): a start that
 * gets it knows that whatever still runs from this folder was left behind; a start that does not is
 * refused with the holder's process named (written into the file by the holder).
 */
public final class DataFolderLock implements AutoCloseable {
    static final String FILE = "node.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the folder, or throws {@link FolderInUse} naming the live process that holds it. */
    public static DataFolderLock acquire(Path folder) {
        Path file = folder.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(folder);
            // no TRUNCATE on open: the holder's pid must stay readable for the refusal message
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it already
            }
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new FolderInUse(folder, holder);
            }
            long pid = ProcessHandle.current().pid();
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            return new DataFolderLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("could not lock the data folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        channel.read(buf, 0);
        String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        if (!pid.matches("\\d{1,10}")) {
            return "another process";
        }
        String command = ProcessHandle.of(Long.parseLong(pid))
                .flatMap(p -> p.info().commandLine())
                .orElse("");
        if (command.length() > 160) {
            command = command.substring(0, 160) + "...";
        }
        return command.isEmpty() ? "process " + pid : "process " + pid + " (" + command + ")";
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** The folder belongs to a process that is still alive. */
    public static final class FolderInUse extends IllegalStateException {
        FolderInUse(Path folder, String holder) {
            super("the data folder " + folder.toAbsolutePath() + " is in use by " + holder
                    + ", a node that is still running; stop it first or give this node another GW_DATA_DIR");
        }
    }
}
