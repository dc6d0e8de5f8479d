package io.wagw.sim.core;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A WhatsApp number the simulator plays the phone of: its linked devices and its messages. */
public final class Account {
    final String phone;
    final String pushName;
    final long createdAt;
    final Map<Integer, Device> devices = new LinkedHashMap<>();
    /** Received and sent messages in one sequence, so a chat's order is the order of {@code seq}. */
    final Deque<InboundMessage> inbox = new ArrayDeque<>();

    final Map<String, SentMessage> sent = new LinkedHashMap<>();
    final Map<String, InboundMessage> inboxById = new HashMap<>();
    int nextDeviceNumber = 1;
    long nextSeq = 1;

    Account(String phone, String pushName, long createdAt) {
        this.phone = phone;
        this.pushName = pushName;
        this.createdAt = createdAt;
    }

    public String phone() {
        return phone;
    }

    public String pushName() {
        return pushName;
    }

    public long createdAt() {
        return createdAt;
    }

    public Collection<Device> devices() {
        return Collections.unmodifiableCollection(devices.values());
    }

    public Collection<InboundMessage> received() {
        return Collections.unmodifiableCollection(inbox);
    }

    public Collection<SentMessage> sent() {
        return Collections.unmodifiableCollection(sent.values());
    }

    public long lastSeq() {
        return nextSeq - 1;
    }

    /** How many inbound messages have a sequence number above {@code seq}. */
    long lastInboundSeqAfter(long seq) {
        long n = 0;
        var it = inbox.descendingIterator();
        while (it.hasNext() && it.next().seq > seq) n++;
        return n;
    }
}
