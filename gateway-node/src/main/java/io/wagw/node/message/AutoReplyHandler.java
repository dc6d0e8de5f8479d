package io.wagw.node.message;

import java.util.Map;

/**
 * Until the assistant exists: answers every inbound text with the session's configured
 * {@code autoReply} text, if it has one.
 */
public final class AutoReplyHandler implements MessageHandler {
    public static final String CONFIG_KEY = "autoReply";

    @Override
    public void onMessage(InboundMessage message, Map<String, Object> sessionConfig, Replier replier) {
        if (sessionConfig.get(CONFIG_KEY) instanceof String text && !text.isBlank()) {
            replier.reply(message.chatId(), text);
        }
    }
}
