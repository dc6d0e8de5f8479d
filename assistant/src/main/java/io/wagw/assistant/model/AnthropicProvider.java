package io.wagw.assistant.model;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;

/** Anthropic's messages API through LangChain4j. */
public final class AnthropicProvider implements ChatProvider {
    private final ChatModel model;

    public AnthropicProvider(ProviderConfig config) {
        this.model = AnthropicChatModel.builder()
                .httpClientBuilder(ProviderHttpClient.builder(config.timeout()))
                .baseUrl(config.effectiveBaseUrl())
                .apiKey(config.apiKey() == null ? "none" : config.apiKey())
                .modelName(config.mainModel())
                .maxTokens(ModelAnswerer.MAX_ANSWER_TOKENS)
                .timeout(config.timeout())
                .maxRetries(0)
                .build();
    }

    @Override
    public Completion complete(ChatCall call) {
        return LangChainChat.complete(model, call);
    }
}
