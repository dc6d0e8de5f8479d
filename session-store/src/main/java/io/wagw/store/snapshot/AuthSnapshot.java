package io.wagw.store.snapshot;

import java.time.Instant;

/**
 * A decrypted auth snapshot: the browser storage state (cookies, localStorage, IndexedDB) that lets
 * any node resume a linked WhatsApp session without a QR.
 */
public record AuthSnapshot(String session, long epoch, byte[] state, Instant createdAt) {}
