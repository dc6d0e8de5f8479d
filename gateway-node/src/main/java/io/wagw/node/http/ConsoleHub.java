package io.wagw.node.http;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionView;
import io.wagw.store.message.Message;

/**
 * The console's live view of a session on the node that runs it ({@code GET /api/{session}/events}, forwarded to
 * the owner in a cluster): its status, and which chat got a message in or out. Events name the chat and the
 * direction only; the page reads the messages through the API.
 */
public final class ConsoleHub implements SessionListener {
    /** Open console pages per session and per node. */
    static final int MAX_PER_SESSION = 20;

    static final int MAX_PER_NODE = 500;

    private final EventStreams streams = new EventStreams(MAX_PER_SESSION, MAX_PER_NODE);

    boolean hasRoom(String session) {
        return streams.hasRoom(session);
    }

    void open(String session, Context context, HttpServerResponse response, JsonObject status) {
        streams.open(session, context, response);
        EventStreams.send(context, response, "status", status);
    }

    static JsonObject status(String status, String reason) {
        return new JsonObject().put("status", status).put("reason", reason);
    }

    @Override
    public void onStatus(SessionView view) {
        streams.broadcast(view.name(), "status", status(view.status().name(), view.reason()));
    }

    @Override
    public void onMessage(String session, Message message) {
        streams.broadcast(
                session,
                "message",
                new JsonObject().put("chatId", message.chatId()).put("direction", "in"));
    }

    @Override
    public void onOutbound(String session, Message message) {
        streams.broadcast(
                session,
                "message",
                new JsonObject()
                        .put("chatId", message.chatId())
                        .put("direction", "out")
                        .put("status", message.status().value()));
    }
}
