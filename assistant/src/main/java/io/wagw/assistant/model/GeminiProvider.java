package io.wagw.assistant.model;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;

/** Google AI Gemini's generateContent API through LangChain4j. */
public final class GeminiProvider implements ChatProvider {
    private final ChatModel model;

    public GeminiProvider(ProviderConfig config) {
        this.model = GoogleAiGeminiChatModel.builder()
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
