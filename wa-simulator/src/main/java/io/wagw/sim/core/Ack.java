package io.wagw.sim.core;

/** WhatsApp's message ack levels, with the numbers the page's {@code msg.ack} carries. */
public enum Ack {
    ERROR(-1),
    PENDING(0),
    SERVER(1),
    DELIVERED(2),
    READ(3),
    PLAYED(4);

    private final int level;

    Ack(int level) {
        this.level = level;
    }

    public int level() {
        return level;
    }

    public static Ack of(int level) {
        for (Ack a : values()) if (a.level == level) return a;
        throw new IllegalArgumentException("no ack level " + level);
    }

    /** Parses {@code "delivered"}, {@code "read"} ... case-insensitively; {@code null} when unknown. */
    public static Ack parse(String name) {
        if (name == null) return null;
        for (Ack a : values()) if (a.name().equalsIgnoreCase(name)) return a;
        return null;
    }
}
