package io.wagw.sim.api;

/**
 * A linked device. {@code id} is {@code <phone>:<n>}; {@code liveConnections} counts open page
 * connections logged in with its credentials (a page on the conflict screen included); {@code active}
 * is true while one of them is the one in use.
 */
public record DeviceInfo(
        String id, String jid, String via, long linkedAt, int liveConnections, boolean active, long deliveredSeq) {}
