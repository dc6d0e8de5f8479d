package io.wagw.node.session;

import io.wagw.store.session.SessionStatus;
import java.time.Instant;

/**
 * What callers see of a session on this node.
 *
 * @param reason why it is in this status (a failure, a refused snapshot, ...), or null
 * @param qr     the current QR payload while {@code SCAN_QR_CODE}, else null
 * @param me     own WhatsApp id once linked
 */
public record SessionView(
        String name,
        SessionStatus status,
        String reason,
        String qr,
        String me,
        String pushName,
        String node,
        long epoch,
        int restarts,
        Instant since) {}
