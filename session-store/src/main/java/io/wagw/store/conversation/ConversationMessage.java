package io.wagw.store.conversation;

import java.time.Instant;

/**
 * A message of a chat with how it came about.
 *
 * @param direction {@code in} or {@code out}
 * @param step      for an inbound message: the assistant's pipeline step that decided on it, or null (not decided)
 * @param kind      for an outbound message: how the reply was made (the stored turn's reply kind: quick, knowledge,
 *                  model, template; its step when it had no kind), or {@code api} for a message that answers no
 *                  stored message (sent through {@code POST /api/sendText}: a person who took over, or an
 *                  integration; also the quiet-hours queue's answers)
 */
public record ConversationMessage(
        long id,
        String waMessageId,
        String direction,
        String body,
        String status,
        int ack,
        Instant at,
        String step,
        String kind) {}
