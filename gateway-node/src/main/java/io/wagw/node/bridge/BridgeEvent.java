package io.wagw.node.bridge;

/** What the WhatsApp Web page reported through the bridge. */
public sealed interface BridgeEvent {

    /** The bridge found the page's modules and listens to them. */
    record Hooked(String url) implements BridgeEvent {}

    /** {@code WAWebSocketModel.Socket.state} or {@code hasSynced} changed. */
    record StateChanged(String state, boolean hasSynced) implements BridgeEvent {}

    /** A new QR payload ({@code data-ref}) is on screen. */
    record Qr(String ref) implements BridgeEvent {}

    /** The QR stopped rotating: the page shows the reload button. */
    record QrIdle() implements BridgeEvent {}

    /** A pairing code (8 characters, no dash) is on screen. */
    record PairingCode(String code) implements BridgeEvent {}

    /** Connected and synced: the session works. */
    record Ready(String me, String pushName) implements BridgeEvent {}

    /**
     * An incoming message (not from us); {@code pageAtMillis} is when the page saw it (epoch ms);
     * {@code history} when the page did not receive it live (synced at connect, or held before the bridge
     * listened), so it may be old or already stored.
     */
    record Incoming(
            String id,
            String from,
            String to,
            String author,
            String body,
            String msgType,
            long t,
            String notifyName,
            long pageAtMillis,
            boolean history)
            implements BridgeEvent {}

    /** An outbound message's ack changed (-1 error … 4 played). */
    record Ack(String id, int ack, String error) implements BridgeEvent {}

    /** A send request was accepted by the page under WhatsApp id {@code id}. */
    record Sent(String reqId, String id) implements BridgeEvent {}

    /** A send request failed in the page. */
    record SendFailed(String reqId, String error) implements BridgeEvent {}

    /** The page is logging out ({@code WAWebCmd} {@code logout}). */
    record Logout() implements BridgeEvent {}

    /** The page loaded after a logout ({@code post_logout=1}): the device was unlinked. */
    record LoggedOut() implements BridgeEvent {}

    /** The page died (renderer crash) or was closed under us. */
    record PageCrashed(String reason) implements BridgeEvent {}

    /** WhatsApp Web could not be loaded into the page ({@code error}: Chromium's, e.g. {@code net::ERR_CONNECTION_REFUSED}). */
    record LoadFailed(String error) implements BridgeEvent {}
}
