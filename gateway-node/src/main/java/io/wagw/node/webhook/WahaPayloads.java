package io.wagw.node.webhook;

import io.wagw.store.message.Message;
import io.wagw.store.session.SessionStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes WAHA (WEBJS engine) uses for webhook bodies and their payloads, as ordered maps. Pure. */
public final class WahaPayloads {
    public static final String ENGINE = "WEBJS";

    private WahaPayloads() {}

    /**
     * The envelope of every webhook: {@code {id, timestamp, event, session, metadata, me, payload, engine}}.
     *
     * @param timestampMillis when the event happened, in ms since the epoch
     * @param meId            the session's own WhatsApp id, or null before it is linked ({@code me} is then null)
     */
    public static Map<String, Object> envelope(
            String eventId,
            long timestampMillis,
            WebhookEvent event,
            String session,
            Map<String, ?> metadata,
            String meId,
            String mePushName,
            Map<String, Object> payload) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", eventId);
        body.put("timestamp", timestampMillis);
        body.put("event", event.wireName());
        body.put("session", session);
        body.put("metadata", metadata == null ? Map.of() : metadata);
        if (meId == null) {
            body.put("me", null);
        } else {
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("id", meId);
            me.put("pushName", mePushName);
            body.put("me", me);
        }
        body.put("payload", payload);
        body.put("engine", ENGINE);
        return body;
    }

    /** {@code message}: a message a customer sent to the session. */
    public static Map<String, Object> inboundMessage(Message message, String meId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", message.waMessageId());
        p.put("timestamp", epochSeconds(message));
        p.put("from", message.chatId());
        p.put("fromMe", false);
        p.put("to", meId);
        p.put("body", message.body());
        p.put("hasMedia", false);
        p.put("ack", message.ack());
        p.put("ackName", ackName(message.ack()));
        return p;
    }

    /** {@code message.ack}: a message the session sent changed its delivery state. */
    public static Map<String, Object> ack(Message message, String meId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", message.waMessageId());
        p.put("from", meId);
        p.put("to", message.chatId());
        p.put("fromMe", true);
        p.put("ack", message.ack());
        p.put("ackName", ackName(message.ack()));
        return p;
    }

    /** {@code session.status}: {@code {name, status}} plus {@code reason} when there is one. */
    public static Map<String, Object> sessionStatus(String session, SessionStatus status, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", session);
        p.put("status", status.name());
        if (reason != null) {
            p.put("reason", reason);
        }
        return p;
    }

    /** WAHA's names of WhatsApp's ack levels. */
    public static String ackName(int ack) {
        return switch (ack) {
            case -1 -> "ERROR";
            case 0 -> "PENDING";
            case 1 -> "SERVER";
            case 2 -> "DEVICE";
            case 3 -> "READ";
            case 4 -> "PLAYED";
            default -> "UNKNOWN";
        };
    }

    private static long epochSeconds(Message message) {
        Instant t = message.waTimestamp() != null ? message.waTimestamp() : message.createdAt();
        return t == null ? Instant.now().getEpochSecond() : t.getEpochSecond();
    }
}
