package io.wagw.node.http;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionView;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pushes QR rotations and status changes to open pairing pages as server-sent events. Listener calls
 * arrive on the runtime's event thread; each write hops to the connection's own Vert.x context.
 */
public final class PairingHub implements SessionListener {
    /** Open pairing pages per session (an owner's phone and laptop, a few tabs) and per node. */
    static final int MAX_PER_SESSION = 5;

    static final int MAX_PER_NODE = 500;
    /** A comment line this often keeps a quiet stream from the HTTP server's idle timeout (and proxies'). */
    static final long HEARTBEAT_MS = 4_000;

    private record Stream(Context context, HttpServerResponse response, long heartbeat) {}

    private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();

    /** Whether one more stream may open for the session; every open stream holds a connection. */
    boolean hasRoom(String session) {
        return open(session) < MAX_PER_SESSION
                && streams.values().stream().mapToInt(Set::size).sum() < MAX_PER_NODE;
    }

    void open(String session, Context context, HttpServerResponse response) {
        long heartbeat = context.owner().setPeriodic(HEARTBEAT_MS, id -> {
            if (!response.closed() && !response.ended()) {
                response.write(": keep-alive\n\n");
            }
        });
        var stream = new Stream(context, response, heartbeat);
        streams.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(stream);
        response.closeHandler(v -> remove(session, stream));
        response.exceptionHandler(e -> remove(session, stream));
    }

    /** Sends one event to one stream (e.g. the current state right after it opened). */
    static void send(Context context, HttpServerResponse response, String event, JsonObject data) {
        context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                response.write("event: " + event + "\ndata: " + data.encode() + "\n\n");
            }
        });
    }

    @Override
    public void onQr(String session, String qr) {
        if (open(session) > 0) { // rendering a PNG for every rotation of every session would be wasted work
            broadcast(session, "qr", new JsonObject().put("qr", qr).put("png", QrImages.dataUrl(qr)));
        }
    }

    @Override
    public void onStatus(SessionView view) {
        broadcast(
                view.name(),
                "status",
                new JsonObject()
                        .put("status", view.status().name())
                        .put("reason", view.reason())
                        .put("me", view.me() == null ? null : masked(view.me())));
    }

    int open(String session) {
        return streams.getOrDefault(session, Set.of()).size();
    }

    private void broadcast(String session, String event, JsonObject data) {
        for (Stream s : streams.getOrDefault(session, Set.of())) {
            send(s.context(), s.response(), event, data);
        }
    }

    private void remove(String session, Stream stream) {
        stream.context().owner().cancelTimer(stream.heartbeat());
        var set = streams.get(session);
        if (set != null) {
            set.remove(stream);
        }
    }

    /** The pairing page shows which number linked, without exposing it whole. */
    static String masked(String wid) {
        String user = wid.contains("@") ? wid.substring(0, wid.indexOf('@')) : wid;
        return user.length() <= 4 ? "****" : "*".repeat(user.length() - 4) + user.substring(user.length() - 4);
    }
}
