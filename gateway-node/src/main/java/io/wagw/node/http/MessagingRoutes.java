package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.message.Message;
import io.wagw.store.message.Messages;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** WAHA's messaging calls: sendText, sendSeen, typing, own id, chat history. */
final class MessagingRoutes {
    private final NodeServices s;

    MessagingRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.post("/api/sendText").handler(Blocking.handler(this::sendText));
        r.post("/api/sendSeen").handler(Blocking.handler(this::sendSeen));
        r.post("/api/startTyping").handler(Blocking.handler(ctx -> typing(ctx, true)));
        r.post("/api/stopTyping").handler(Blocking.handler(ctx -> typing(ctx, false)));
        r.get("/api/:session/me").handler(Blocking.handler(this::me));
        r.get("/api/:session/chats/:chatId/messages").handler(Blocking.handler(this::history));
    }

    private Reply sendText(RoutingContext ctx) throws Exception {
        var body = RequestBody.of(ctx, "session", "chatId", "text", "linkPreview", "reply_to");
        String session = session(ctx, body.requiredString("session"));
        String chatId = chatId(body.requiredString("chatId"));
        String text = body.requiredString("text");
        if (body.has("reply_to")) {
            throw ApiError.badRequest(
                    "reply_to", "replies to a specific message are not supported yet; send without reply_to");
        }
        body.optionalBoolean("linkPreview", true);
        // a person writes in this chat: the assistant keeps quiet there for the tenant's takeover pause
        s.assistant()
                .humanWrote(
                        s.runtime()
                                .tenantOf(session)
                                .orElseGet(
                                        () -> s.store().sessions().get(session).tenant()),
                        chatId);
        long t0 = System.nanoTime();
        try {
            Message sent = s.runtime().sendText(session, chatId, text).get(120, TimeUnit.SECONDS);
            s.metrics().recordSend(Duration.ofNanos(System.nanoTime() - t0));
            String me = s.runtime().view(session).map(v -> v.me()).orElse(null);
            return Reply.json(201, Views.message(sent, me));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } catch (TimeoutException e) {
            throw ApiError.timedOut(
                    "send_timeout", "WhatsApp did not accept the message within 120 s; it stays queued");
        }
    }

    private Reply sendSeen(RoutingContext ctx) {
        var body = RequestBody.of(ctx, "session", "chatId", "messageIds", "participant");
        String session = session(ctx, body.requiredString("session"));
        String chatId = chatId(body.requiredString("chatId"));
        body.optionalArray("messageIds");
        s.runtime().sendSeen(session, chatId);
        return Reply.json(200, new JsonObject());
    }

    private Reply typing(RoutingContext ctx, boolean on) {
        var body = RequestBody.of(ctx, "session", "chatId");
        String session = session(ctx, body.requiredString("session"));
        String chatId = chatId(body.requiredString("chatId"));
        s.runtime().typing(session, chatId, on);
        return Reply.json(200, new JsonObject());
    }

    private Reply me(RoutingContext ctx) {
        String session = session(ctx, ctx.pathParam("session"));
        var row = s.store().sessions().get(session);
        var live = s.runtime().view(session);
        String me = live.map(v -> v.me()).orElse(row.meId());
        if (me == null) {
            throw ApiError.conflict(
                    "not_linked", "session", "session '%s' is not linked to a WhatsApp account yet".formatted(session));
        }
        return Reply.json(
                200,
                new JsonObject()
                        .put("id", me)
                        .put("pushName", live.map(v -> v.pushName()).orElse(row.mePushName())));
    }

    private Reply history(RoutingContext ctx) {
        String session = session(ctx, ctx.pathParam("session"));
        String chatId = chatId(ctx.pathParam("chatId")); // decoded once, by the router: "%2540" stays "%40"
        int limit = Params.limit(ctx, 100, Messages.MAX_HISTORY);
        String me = s.store().sessions().get(session).meId();
        var out = new JsonArray();
        for (Message m : s.store().messages().recent(session, chatId, limit)) {
            out.add(Views.message(m, me));
        }
        return Reply.json(200, out);
    }

    private String session(RoutingContext ctx, String session) {
        return Params.session(ctx, s.store(), "session", session);
    }

    private static String chatId(String chatId) {
        try {
            return Validation.chatId(chatId);
        } catch (StoreException.InvalidInput e) {
            throw ApiError.badRequest("chatId", e.getMessage());
        }
    }
}
