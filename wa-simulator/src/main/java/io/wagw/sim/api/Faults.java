package io.wagw.sim.api;

/**
 * Injected faults: {@code latencyMs} delays every frame the server sends to pages (order kept);
 * {@code failSends} makes every message a page sends fail (ack -1).
 */
public record Faults(long latencyMs, boolean failSends) {
  public static final Faults NONE = new Faults(0, false);
}
