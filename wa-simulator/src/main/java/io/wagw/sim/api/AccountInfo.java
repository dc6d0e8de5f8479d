package io.wagw.sim.api;

import java.util.List;

/** A simulated WhatsApp account (a phone): its number, push name, user wid and linked devices. */
public record AccountInfo(String phone, String pushName, String wid, long createdAt, List<DeviceInfo> devices) {}
