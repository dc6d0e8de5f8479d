package io.wagw.store.snapshot;

import java.time.Instant;

/** What was stored for one snapshot, without its content. {@code size} is the plaintext size in bytes. */
public record SnapshotInfo(long id, String session, long epoch, String keyId, int size, Instant createdAt) {}
