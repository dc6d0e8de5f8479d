package io.wagw.assistant.model;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * OpenAI's chat completions through LangChain4j: OpenAI itself or any endpoint speaking its format (OpenRouter,
 * Groq, vLLM, Ollama, LM Studio) by base URL.
 */
public final class OpenAiProvider implements ChatProvider {
    private final ChatModel model;

    public OpenAiProvider(ProviderConfig config) {
        this.model = OpenAiChatModel.builder()
                .httpClientBuilder(ProviderHttpClient.builder(config.timeout()))
                .baseUrl(config.effectiveBaseUrl())
                .apiKey(config.apiKey() == null ? "none" : config.apiKey())
                .modelName(config.mainModel())
                .timeout(config.timeout())
                .maxRetries(0)
                .build();
    }

    @Override
    public Completion complete(ChatCall call) {
        return LangChainChat.complete(model, call);
    }
}
