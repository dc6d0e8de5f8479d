package io.wagw.node.message;

import java.util.Map;

/**
 * Until the assistant exists: answers every inbound text with the session's configured
 * {@code autoReply} text, if it has one.
 */
public final class AutoReplyHandler implements MessageHandler {
    public static final String CONFIG_KEY = "autoReply";

    /** Whether a session's configuration has a fixed reply. */
    public static boolean configured(Map<String, Object> sessionConfig) {
        return sessionConfig.get(CONFIG_KEY) instanceof String text && !text.isBlank();
    }

    @Override
    public void onMessage(InboundMessage message, Map<String, Object> sessionConfig, Replier replier) {
        if (configured(sessionConfig)) {
            replier.reply(message.chatId(), (String) sessionConfig.get(CONFIG_KEY));
        }
    }
}
