package io.wagw.router.placement;

/**
 * Load of one node in an {@link PlacementTable}.
 *
 * @param nodeId    the node
 * @param sessions  sessions assigned to it
 * @param fairShare its weighted share of the sessions (water-filled under the hard caps); 0 when it accepts none
 * @param bound     the most it may hold: {@code min(capacity, ceil((1 + ε) × fairShare))}; 0 when it accepts none
 */
public record NodeLoad(String nodeId, int sessions, double fairShare, int bound) {}
