package io.wagw.node.message;

import java.util.Map;

/**
 * What a node does with each inbound message once it is persisted: the assistant implements this.
 * Called on a virtual thread, in order per session; may block (LLM calls).
 */
public interface MessageHandler {

    /** Sends a reply through the same session. */
    interface Replier {
        void reply(String chatId, String text);
    }

    void onMessage(InboundMessage message, Map<String, Object> sessionConfig, Replier replier);
}
