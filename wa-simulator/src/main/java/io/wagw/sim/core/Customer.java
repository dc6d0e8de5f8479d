package io.wagw.sim.core;

/** A WhatsApp user who is not simulated as a linked account: the people who write to the businesses. */
public final class Customer {
    final String phone;
    String pushName;
    boolean online = true;
    /** Chat states (composing, recording, paused) accounts showed this customer, per account, oldest first. */
    final java.util.Map<String, java.util.List<String>> chatStates = new java.util.TreeMap<>();

    Customer(String phone, String pushName) {
        this.phone = phone;
        this.pushName = pushName;
    }

    public String phone() {
        return phone;
    }

    public String pushName() {
        return pushName;
    }
    /** While offline, messages sent to this customer stay at one tick (server ack). */
    public boolean online() {
        return online;
    }
    /** The chat states an account showed this customer, oldest first (the last 100 per account). */
    public java.util.Map<String, java.util.List<String>> chatStates() {
        java.util.Map<String, java.util.List<String>> copy = new java.util.TreeMap<>();
        chatStates.forEach((k, v) -> copy.put(k, java.util.List.copyOf(v)));
        return copy;
    }
}
