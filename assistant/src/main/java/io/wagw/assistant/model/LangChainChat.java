package io.wagw.assistant.model;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.wagw.assistant.model.ChatProvider.ChatCall;
import io.wagw.assistant.model.ChatProvider.Completion;

/** One call through a LangChain4j chat model, its failures as {@link ProviderFailure}s. */
final class LangChainChat {
    private LangChainChat() {}

    static Completion complete(ChatModel model, ChatCall call) {
        var request = ChatRequest.builder()
                .messages(SystemMessage.from(call.system()), UserMessage.from(call.user()))
                .modelName(call.model())
                .temperature(call.temperature())
                .maxOutputTokens(call.maxTokens())
                .build();
        ChatResponse response;
        try {
            response = model.chat(request);
        } catch (RuntimeException e) {
            throw classify(e);
        }
        String text = response == null || response.aiMessage() == null
                ? null
                : response.aiMessage().text();
        if (text == null || text.isBlank()) {
            throw new ProviderFailure(
                    ProviderFailure.Kind.BAD_RESPONSE, "the answer holds no text (another schema?)", null, null);
        }
        var usage = response.tokenUsage();
        long in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        return new Completion(text.strip(), in, out);
    }

    /**
     * The {@link ProviderFailure} raised by {@link ProviderHttpClient} wherever LangChain4j wrapped it; anything
     * else (a body that is not JSON or not the provider's schema) is a bad response.
     */
    static ProviderFailure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProviderFailure f) {
                return f;
            }
        }
        return new ProviderFailure(
                ProviderFailure.Kind.BAD_RESPONSE,
                "unreadable answer: " + e.getClass().getSimpleName(),
                null,
                e);
    }
}
