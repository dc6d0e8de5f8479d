package io.wagw.sim.page;

import io.vertx.core.http.ServerWebSocket;
import io.wagw.sim.core.Device;
import io.wagw.sim.core.PageKeys;

/** One open WebSocket from a page, and where it is in the login lifecycle. Owned by the event loop. */
final class PageConnection {
    enum Phase {
        CONNECTING,
        QR,
        QR_IDLE,
        CODE,
        CODE_IDLE,
        PAIRED,
        CONNECTED,
        CONFLICT,
        REFUSED,
        LOGGED_OUT
    }

    final long id;
    final ServerWebSocket ws;
    final String userAgent;
    Phase phase = Phase.CONNECTING;
    PageKeys keys;
    /** Index of the current QR code or pairing code within its round, from 0. */
    int round;

    long timer = -1;
    String offer;
    String codePhone;
    Device device;
    boolean synced;
    /** Highest inbound sequence number pushed on this connection. */
    long pushedSeq;
    /** When the last delayed frame is due (ms, monotonic), so added latency never reorders frames. */
    long lastDueMs;

    boolean closed;

    PageConnection(long id, ServerWebSocket ws, String userAgent) {
        this.id = id;
        this.ws = ws;
        this.userAgent = userAgent;
    }
}
