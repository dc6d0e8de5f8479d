package io.wagw.sim.core;

/** A text an account sent from one of its linked devices to a WhatsApp user. */
public final class SentMessage {
    final long seq;
    final String id;
    final String from;
    final String to;
    final String text;
    final long t;
    final String deviceId;
    Ack ack;

    SentMessage(long seq, String id, String from, String to, String text, long t, String deviceId, Ack ack) {
        this.seq = seq;
        this.id = id;
        this.from = from;
        this.to = to;
        this.text = text;
        this.t = t;
        this.deviceId = deviceId;
        this.ack = ack;
    }

    public long seq() {
        return seq;
    }

    public String id() {
        return id;
    }
    /** The page's serialized id: {@code true_<to>@c.us_<id>}. */
    public String serializedId() {
        return "true_" + Phones.userWid(to) + "_" + id;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public String text() {
        return text;
    }

    public long t() {
        return t;
    }

    public String deviceId() {
        return deviceId;
    }

    public Ack ack() {
        return ack;
    }
}
