package io.wagw.sim.api;

/**
 * Counters of the whole simulator. {@code conflicts} counts every time a live connection was
 * displaced by another one using the same device's credentials: zero proves a session never ran
 * twice. {@code queued} counts inbound messages some linked device has not confirmed yet.
 */
public record Stats(
        int accounts,
        int customers,
        long devices,
        int pagesConnected,
        int activeSessions,
        long conflicts,
        long logins,
        long refusedLogins,
        long messagesIn,
        long messagesOut,
        long queued,
        long heapUsedBytes) {}
