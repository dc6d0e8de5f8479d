package io.wagw.sim.core;

/** A text a customer sent to an account; {@code ack} is its state as the customer's phone sees it. */
public final class InboundMessage {
    final long seq;
    final String id;
    final String from;
    final String to;
    final String text;
    final long t;
    final String pushName;
    Ack ack = Ack.SERVER;

    InboundMessage(long seq, String id, String from, String to, String text, long t, String pushName) {
        this.seq = seq;
        this.id = id;
        this.from = from;
        this.to = to;
        this.text = text;
        this.t = t;
        this.pushName = pushName;
    }

    public long seq() {
        return seq;
    }
    /** The bare message id (the last part of {@code false_<from>@c.us_<id>}). */
    public String id() {
        return id;
    }
    /** The page's serialized id: {@code false_<from>@c.us_<id>}. */
    public String serializedId() {
        return "false_" + Phones.userWid(from) + "_" + id;
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
    /** Unix seconds. */
    public long t() {
        return t;
    }

    public String pushName() {
        return pushName;
    }

    public Ack ack() {
        return ack;
    }
}
