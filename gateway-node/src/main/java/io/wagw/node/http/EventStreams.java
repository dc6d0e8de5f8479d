package io.wagw.node.http;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open server-sent event streams by session, capped per session and per node (every open stream holds a
 * connection). Events may be sent from any thread; each write hops to the connection's own Vert.x context.
 */
final class EventStreams {
    /** A comment line this often keeps a quiet stream from the HTTP server's idle timeout (and proxies'). */
    static final long HEARTBEAT_MS = 4_000;

    private record Stream(Context context, HttpServerResponse response, long heartbeat) {}

    private final int perSession;
    private final int perNode;
    private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();

    EventStreams(int perSession, int perNode) {
        this.perSession = perSession;
        this.perNode = perNode;
    }

    /** Whether one more stream may open for the session. */
    boolean hasRoom(String session) {
        return open(session) < perSession
                && streams.values().stream().mapToInt(Set::size).sum() < perNode;
    }

    /** Starts the event stream on the response and keeps it until the connection closes. */
    void open(String session, Context context, HttpServerResponse response) {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setStatusCode(200);
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

    void broadcast(String session, String event, JsonObject data) {
        for (Stream s : streams.getOrDefault(session, Set.of())) {
            send(s.context(), s.response(), event, data);
        }
    }

    int open(String session) {
        return streams.getOrDefault(session, Set.of()).size();
    }

    private void remove(String session, Stream stream) {
        stream.context().owner().cancelTimer(stream.heartbeat());
        var set = streams.get(session);
        if (set != null) {
            set.remove(stream);
        }
    }
}
