package io.wagw.sim.core;

/** A WhatsApp user who is not simulated as a linked account: the people who write to the businesses. */
public final class Customer {
  final String phone;
  String pushName;
  boolean online = true;

  Customer(String phone, String pushName) {
    this.phone = phone;
    this.pushName = pushName;
  }

  public String phone() { return phone; }
  public String pushName() { return pushName; }
  /** While offline, messages sent to this customer stay at one tick (server ack). */
  public boolean online() { return online; }
}
