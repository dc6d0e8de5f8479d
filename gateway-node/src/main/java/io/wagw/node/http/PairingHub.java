package io.wagw.node.http;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionView;

/**
 * Pushes QR rotations and status changes to open pairing pages as server-sent events. Listener calls
 * arrive on the runtime's event thread; each write hops to the connection's own Vert.x context.
 */
public final class PairingHub implements SessionListener {
    /** Open pairing pages per session (an owner's phone and laptop, a few tabs) and per node. */
    static final int MAX_PER_SESSION = 5;

    static final int MAX_PER_NODE = 500;
    /** A comment line this often keeps a quiet stream from the HTTP server's idle timeout (and proxies'). */
    static final long HEARTBEAT_MS = EventStreams.HEARTBEAT_MS;

    private final EventStreams streams = new EventStreams(MAX_PER_SESSION, MAX_PER_NODE);

    /** Whether one more stream may open for the session; every open stream holds a connection. */
    boolean hasRoom(String session) {
        return streams.hasRoom(session);
    }

    void open(String session, Context context, HttpServerResponse response) {
        streams.open(session, context, response);
    }

    /** Sends one event to one stream (e.g. the current state right after it opened). */
    static void send(Context context, HttpServerResponse response, String event, JsonObject data) {
        EventStreams.send(context, response, event, data);
    }

    @Override
    public void onQr(String session, String qr) {
        if (open(session) > 0) { // rendering a PNG for every rotation of every session would be wasted work
            streams.broadcast(session, "qr", new JsonObject().put("qr", qr).put("png", QrImages.dataUrl(qr)));
        }
    }

    @Override
    public void onStatus(SessionView view) {
        streams.broadcast(
                view.name(),
                "status",
                new JsonObject()
                        .put("status", view.status().name())
                        .put("reason", view.reason())
                        .put("me", view.me() == null ? null : masked(view.me())));
    }

    int open(String session) {
        return streams.open(session);
    }

    /** The pairing page shows which number linked, without exposing it whole. */
    static String masked(String wid) {
        String user = wid.contains("@") ? wid.substring(0, wid.indexOf('@')) : wid;
        return user.length() <= 4 ? "****" : "*".repeat(user.length() - 4) + user.substring(user.length() - 4);
    }
}
