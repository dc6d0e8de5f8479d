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
    private record Stream(Context context, HttpServerResponse response) {
    }

    private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();

    void open(String session, Context context, HttpServerResponse response) {
        var stream = new Stream(context, response);
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
        broadcast(view.name(), "status", new JsonObject().put("status", view.status().name()).put("reason", view.reason())
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
