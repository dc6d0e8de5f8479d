package io.wagw.node.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wagw.store.message.InboundRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node could not write to the database yet, kept on its own disk until it can: inbound messages a
 * page received (WhatsApp counts them delivered, so nothing brings them back) and the marks that a message
 * was answered (so that it is not answered again). Append-only files of JSON lines in the node's data
 * folder, each append forced to disk before it returns; a node that crashes finds them at its next start.
 * Bounded: past {@link #MAX_ENTRIES} entries (about 50 MB of text at most) an append is refused.
 *
 * <p>Appends go to the open segment; {@link #drain} closes it, starts a new one and hands the closed
 * segments' entries, oldest first, to the caller, deleting each segment once the caller stored it. What
 * the caller does with them must be idempotent (messages are deduplicated by WhatsApp id, marks are
 * marks): a segment whose drain failed half-way is handed over again, whole.
 */
final class InboundSpool {
    private static final Logger log = LoggerFactory.getLogger(InboundSpool.class);
    static final long MAX_ENTRIES = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One thing to write once the database answers. */
    sealed interface Entry permits Inbound, Handled {
        String session();
    }

    /** An inbound message the page received, with the tenant it counts for. */
    record Inbound(String tenant, InboundRecord record) implements Entry {
        @Override
        public String session() {
            return record.session();
        }
    }

    /** The handler answered this message (its replies went out). */
    record Handled(String session, String waMessageId) implements Entry {}

    /** Stores a segment's entries; throws when it could not (the segment then stays). */
    interface Sink {
        void store(List<Entry> entries);
    }

    /** Thrown when the spool holds its maximum. */
    static final class Full extends IllegalStateException {
        Full(long max) {
            super("the inbound spool is full (" + max + " entries)");
        }
    }

    private final Path dir;
    private final long maxEntries;
    private final Object appendLock = new Object();
    private final Object drainLock = new Object();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private long nextSegment;
    private FileChannel open;

    private InboundSpool(Path dir, long maxEntries, long pending, long nextSegment) {
        this.dir = dir;
        this.maxEntries = maxEntries;
        this.pending.set(pending);
        this.nextSegment = nextSegment;
    }

    /** Opens the spool in {@code dir}, counting what an earlier process left there. */
    static InboundSpool open(Path dir) {
        return open(dir, MAX_ENTRIES);
    }

    static InboundSpool open(Path dir, long maxEntries) {
        try {
            Files.createDirectories(dir);
            long entries = 0;
            long next = 0;
            for (Path p : segments(dir)) {
                entries += read(p).size();
                next = Math.max(next, sequenceOf(p) + 1);
            }
            if (entries > 0) {
                log.warn(
                        "the inbound spool holds {} entries an earlier run could not store; storing them once the database answers",
                        entries);
            }
            return new InboundSpool(dir, maxEntries, entries, next);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the inbound spool in " + dir, e);
        }
    }

    /** Appends an entry and forces it to disk. */
    void append(Entry entry) {
        if (pending.get() >= maxEntries) {
            refused.incrementAndGet();
            throw new Full(maxEntries);
        }
        byte[] line = (encode(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (appendLock) {
            try {
                if (open == null) {
                    Path segment = dir.resolve("segment-%012d.jsonl".formatted(nextSegment++));
                    open = FileChannel.open(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    // the new file's name must survive a crash too
                    try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
                        folder.force(true);
                    }
                }
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    open.write(buf);
                }
                open.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write to the inbound spool", e);
            }
        }
        pending.incrementAndGet();
        spooled.incrementAndGet();
    }

    /** Entries waiting to be stored. */
    long pending() {
        return pending.get();
    }

    /** Entries spooled since the node started. */
    long spooledTotal() {
        return spooled.get();
    }

    /** Entries refused because the spool was full, since the node started. */
    long refusedTotal() {
        return refused.get();
    }

    /**
     * Hands every spooled entry to {@code sink}, segment by segment, oldest first; stops at the first
     * segment the sink fails on (its exception propagates). Returns how many entries were stored.
     */
    int drain(Sink sink) {
        if (pending.get() == 0) {
            return 0;
        }
        synchronized (drainLock) {
            long limit = closeOpenSegment(); // appends from now on go to segments numbered from limit up
            int stored = 0;
            try {
                for (Path p : segments(dir)) {
                    if (sequenceOf(p) >= limit) {
                        break;
                    }
                    List<Entry> entries = read(p);
                    if (!entries.isEmpty()) {
                        sink.store(entries);
                    }
                    Files.delete(p);
                    pending.addAndGet(-entries.size());
                    stored += entries.size();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the inbound spool", e);
            }
            return stored;
        }
    }

    /** Closes the segment appends go to; returns the number the next segment will have. */
    private long closeOpenSegment() {
        synchronized (appendLock) {
            if (open != null) {
                try {
                    open.close();
                } catch (IOException e) {
                    log.warn("closing an inbound spool segment failed", e);
                }
                open = null;
            }
            return nextSegment;
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("segment-\\d{12}\\.jsonl"))
                    .sorted()
                    .toList();
        }
    }

    private static long sequenceOf(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring("segment-".length(), n.length() - ".jsonl".length()));
    }

    /** The segment's entries; a line cut short by a crash during its append is skipped. */
    private static List<Entry> read(Path p) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(decode(JSON.readTree(line)));
            } catch (IOException | RuntimeException e) {
                log.warn(
                        "skipping an unreadable line in the inbound spool {} (a write cut short by a crash?)",
                        p.getFileName());
            }
        }
        return out;
    }

    static String encode(Entry entry) {
        ObjectNode n = JSON.createObjectNode();
        switch (entry) {
            case Inbound in -> {
                InboundRecord r = in.record();
                n.put("kind", "in")
                        .put("tenant", in.tenant())
                        .put("session", r.session())
                        .put("chat", r.chatId())
                        .put("id", r.waMessageId())
                        .put("body", r.body())
                        .put("awaitsHandler", r.awaitsHandler());
                if (r.waTimestamp() != null) {
                    n.put("t", r.waTimestamp().toEpochMilli());
                }
            }
            case Handled h ->
                n.put("kind", "handled").put("session", h.session()).put("id", h.waMessageId());
        }
        return n.toString();
    }

    static Entry decode(JsonNode n) {
        String session = n.path("session").asText();
        String id = n.path("id").asText();
        return switch (n.path("kind").asText()) {
            case "in" ->
                new Inbound(
                        n.path("tenant").asText(),
                        new InboundRecord(
                                session,
                                n.path("chat").asText(),
                                id,
                                n.path("body").asText(),
                                n.has("t") ? Instant.ofEpochMilli(n.path("t").asLong()) : null,
                                n.path("awaitsHandler").asBoolean()));
            case "handled" -> new Handled(session, id);
            default -> throw new IllegalArgumentException("unknown spool entry kind " + n.path("kind"));
        };
    }
}
