package io.wagw.sim.api;

/**
 * A text message as the server saw it. {@code serializedId} is the page's {@code msg.id._serialized}
 * ({@code false_<from>@c.us_<id>} for what an account received, {@code true_<to>@c.us_<id>} for what
 * it sent); {@code t} is unix seconds; {@code deviceId} names the sending device of a sent message.
 */
public record MessageInfo(
        String id,
        String serializedId,
        String from,
        String to,
        String text,
        long t,
        int ack,
        String ackName,
        String deviceId) {}
