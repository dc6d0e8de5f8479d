package io.wagw.node.assistant;

import io.wagw.assistant.service.AssistantService;
import io.wagw.assistant.service.AssistantService.Inbound;
import io.wagw.assistant.service.AssistantService.Outcome;
import io.wagw.assistant.settings.TenantSettings;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.message.InboundMessage;
import io.wagw.node.message.MessageHandler;
import io.wagw.node.webhook.WebhookEvent;
import io.wagw.node.webhook.WebhookPublisher;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The node's message handler: a session configured with a fixed {@code autoReply} keeps answering with it;
 * otherwise a tenant that saved assistant settings is answered by the assistant; any other message is only
 * stored and announced. A failure of the store leaves the message unhandled (it is answered once the
 * database is back); any other failure of the assistant is the runtime's to log, and the message is not
 * answered twice.
 */
public final class AssistantHandler implements MessageHandler {
    private final AssistantService assistant;
    private final MessageHandler legacy;
    private final WebhookPublisher webhooks;

    /** @param legacy what answers a tenant without assistant settings (the fixed {@code autoReply}) */
    public AssistantHandler(AssistantService assistant, MessageHandler legacy, WebhookPublisher webhooks) {
        this.assistant = assistant;
        this.legacy = legacy;
        this.webhooks = webhooks;
    }

    @Override
    public void onMessage(InboundMessage message, Map<String, Object> sessionConfig, Replier replier) {
        if (AutoReplyHandler.configured(sessionConfig)) {
            legacy.onMessage(message, sessionConfig, replier);
            return;
        }
        Optional<TenantSettings> settings = assistant.settings(message.tenant());
        if (settings.isEmpty()) {
            legacy.onMessage(message, sessionConfig, replier);
            return;
        }
        Outcome outcome = assistant.handle(settings.get(), inbound(message), false);
        deliver(message.session(), outcome, replier);
    }

    static Inbound inbound(InboundMessage m) {
        return new Inbound(
                m.session(),
                m.tenant(),
                m.chatId(),
                m.waMessageId(),
                m.body(),
                m.senderName(),
                m.timestamp() == null ? Instant.now() : m.timestamp());
    }

    void deliver(String session, Outcome outcome, Replier replier) {
        for (var out : outcome.messages()) {
            replier.reply(out.chatId(), out.text());
        }
        for (var e : outcome.events()) {
            WebhookEvent.byWireName(e.type())
                    .ifPresent(event -> webhooks.onAssistantEvent(session, event, e.payload()));
        }
    }
}
