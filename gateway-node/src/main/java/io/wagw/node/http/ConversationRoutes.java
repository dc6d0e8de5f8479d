package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.conversation.ChatSummary;
import io.wagw.store.conversation.ConversationMessage;
import io.wagw.store.conversation.Conversations;
import io.wagw.store.message.Messages;
import java.time.Instant;

/**
 * A session's conversations as people read them: its chats (open escalations first), a chat's messages with how
 * each reply was made, and handing a chat back to the assistant after a person took it over (a send through
 * {@code POST /api/sendText} pauses the assistant there). Read from the shared store, so any node answers.
 */
final class ConversationRoutes {
    private final NodeServices s;

    ConversationRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.get("/api/:session/events").handler(Blocking.handler(this::events));
        r.get("/api/:session/conversations").handler(Blocking.handler(this::chats));
        r.get("/api/:session/conversations/:chatId").handler(Blocking.handler(this::chat));
        r.post("/api/:session/conversations/:chatId/hand-back").handler(Blocking.handler(this::handBack));
    }

    /**
     * Server-sent events of the session on the node that runs it (a cluster forwards the call there): {@code status}
     * now and at every change, {@code message} with the chat and direction whenever one arrives or goes out.
     */
    private Reply events(RoutingContext ctx) {
        String session = session(ctx);
        if (!s.console().hasRoom(session)) {
            throw ApiError.tooManyRequests(
                    "too_many_streams", "too many live console pages are open for this session or node");
        }
        var row = s.store().sessions().get(session);
        var view = s.runtime().view(session);
        var status = ConsoleHub.status(
                view.map(v -> v.status()).orElse(row.status()).name(),
                view.map(v -> v.reason()).orElse(row.statusReason()));
        return c -> s.console().open(session, c.vertx().getOrCreateContext(), c.response(), status);
    }

    private Reply chats(RoutingContext ctx) {
        String session = session(ctx);
        int limit = Params.limit(ctx, 100, Conversations.MAX_CHATS);
        s.store().sessions().get(session);
        var out = new JsonArray();
        Instant now = Instant.now();
        for (ChatSummary c : s.store().conversations().chats(session, limit)) {
            out.add(new JsonObject()
                    .put("chatId", c.chatId())
                    .put("customerName", c.customerName())
                    .put("messages", c.messages())
                    .put("lastBody", c.lastBody())
                    .put("lastDirection", c.lastDirection())
                    .put("lastAt", text(c.lastAt()))
                    .put("assistantPausedUntil", paused(c.pausedUntil(), now))
                    .put("openEscalations", c.openEscalations()));
        }
        return Reply.json(200, out);
    }

    private Reply chat(RoutingContext ctx) {
        String session = session(ctx);
        String chatId = chatId(ctx);
        int limit = Params.limit(ctx, 100, Messages.MAX_HISTORY);
        var out = new JsonArray();
        for (ConversationMessage m : s.store().conversations().messages(session, chatId, limit)) {
            out.add(new JsonObject()
                    .put("id", m.waMessageId())
                    .put("direction", m.direction())
                    .put("body", m.body())
                    .put("status", m.status())
                    .put("ackName", Views.ackName(m.ack()))
                    .put("timestamp", text(m.at()))
                    .put("step", m.step())
                    .put("kind", m.kind()));
        }
        return Reply.json(
                200,
                new JsonObject()
                        .put("session", session)
                        .put("chatId", chatId)
                        .put(
                                "assistantPausedUntil",
                                paused(s.store().conversations().pausedUntil(session, chatId), Instant.now()))
                        .put("messages", out));
    }

    private Reply handBack(RoutingContext ctx) {
        String session = session(ctx);
        String chatId = chatId(ctx);
        String tenant = s.store().sessions().get(session).tenant();
        s.store().turns().pause(tenant, chatId, null);
        return Reply.json(
                200,
                new JsonObject().put("session", session).put("chatId", chatId).putNull("assistantPausedUntil"));
    }

    private static String paused(Instant until, Instant now) {
        return until == null || !until.isAfter(now) ? null : until.toString();
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private String session(RoutingContext ctx) {
        return Params.session(ctx, s.store(), "session", ctx.pathParam("session"));
    }

    private static String chatId(RoutingContext ctx) {
        try {
            return Validation.chatId(ctx.pathParam("chatId"));
        } catch (StoreException.InvalidInput e) {
            throw ApiError.badRequest("chatId", e.getMessage());
        }
    }
}
