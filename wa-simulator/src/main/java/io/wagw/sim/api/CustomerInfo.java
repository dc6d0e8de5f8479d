package io.wagw.sim.api;

/** A customer: a WhatsApp user who writes to accounts. While {@code online} is false, messages to it stay at ack 1. */
public record CustomerInfo(
        String phone, String pushName, boolean online, java.util.Map<String, java.util.List<String>> chatStates) {}
