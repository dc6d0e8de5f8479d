package io.wagw.store.lease;

import java.time.Instant;

/**
 * Ownership of a session by one node, valid until {@code expiresAt} (PostgreSQL's clock). The epoch
 * grows by one on every acquisition; every write of session state carries the lease and is refused
 * once the epoch moved on, so a node that lost its lease can never overwrite its successor.
 */
public record SessionLease(String session, String ownerNode, long epoch, Instant acquiredAt, Instant expiresAt) {}
