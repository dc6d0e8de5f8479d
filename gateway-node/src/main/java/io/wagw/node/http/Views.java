package io.wagw.node.http;

import io.vertx.core.json.JsonObject;
import io.wagw.node.session.SessionView;
import io.wagw.store.message.Message;
import io.wagw.store.session.Session;
import java.util.Optional;

/** The JSON shapes the API returns, WAHA's where WAHA has one. */
final class Views {
    private static final String[] ACK_NAMES = {"ERROR", "PENDING", "SERVER", "DEVICE", "READ", "PLAYED"};

    private Views() {}

    static JsonObject session(Session s, Optional<SessionView> live, String owner) {
        var status = live.map(v -> v.status()).orElse(s.status());
        String reason = live.map(SessionView::reason).orElse(s.statusReason());
        String me = live.map(SessionView::me).orElse(s.meId());
        String pushName = live.map(SessionView::pushName).orElse(s.mePushName());
        return new JsonObject()
                .put("name", s.name())
                .put("status", status.name())
                .put("config", new JsonObject(s.config()))
                .put("me", me == null ? null : new JsonObject().put("id", me).put("pushName", pushName))
                .put("engine", new JsonObject().put("engine", "WEBJS"))
                .put("tenant", s.tenant())
                .put("node", owner)
                .put("reason", reason);
    }

    static String ackName(int ack) {
        return ack >= -1 && ack <= 4 ? ACK_NAMES[ack + 1] : "UNKNOWN";
    }

    /** A message as WAHA shows it. */
    static JsonObject message(Message m, String me) {
        boolean out = m.direction() == Message.Direction.OUT;
        return new JsonObject()
                .put("id", m.waMessageId())
                .put("timestamp", (m.waTimestamp() != null ? m.waTimestamp() : m.createdAt()).getEpochSecond())
                .put("from", out ? me : m.chatId())
                .put("fromMe", out)
                .put("to", out ? m.chatId() : me)
                .put("body", m.body())
                .put("hasMedia", false)
                .put("ack", m.ack())
                .put("ackName", ackName(m.ack()))
                .put("status", m.status().value());
    }
}
