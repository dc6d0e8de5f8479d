package io.wagw.node.session;

import io.wagw.store.message.Message;

/**
 * Receives what happens to this node's sessions (for webhooks, metrics, the pairing page). Called on
 * a dedicated thread, in order per session; implementations must not block for long.
 */
public interface SessionListener {
    default void onStatus(SessionView session) {}

    default void onQr(String session, String qr) {}

    /** An inbound message, after it was persisted (duplicates are not reported). */
    default void onMessage(String session, Message message) {}

    /** An outbound message changed: sent, failed, or a new ack. */
    default void onOutbound(String session, Message message) {}

    /**
     * The session stopped running on this node.
     *
     * @param gaveUp true when it ended by itself (QR not scanned, FAILED, tenant inactive, logout): it should not
     *               be started again on its own; false when it was stopped, the node shut down or the lease was lost
     */
    default void onLeft(String session, boolean gaveUp) {}
}
