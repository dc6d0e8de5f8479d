package io.wagw.assistant.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The wire formats a chat provider speaks; each has one {@link ChatProvider} class. */
public enum ProviderKind {
    /** OpenAI's chat completions: OpenAI, OpenRouter, Groq, vLLM, Ollama, LM Studio (by base URL) */
    OPENAI("https://api.openai.com/v1"),
    /** Anthropic's messages API */
    ANTHROPIC("https://api.anthropic.com/v1/"),
    /** Google AI Gemini's generateContent API */
    GEMINI("https://generativelanguage.googleapis.com/v1beta");

    private final String defaultBaseUrl;

    ProviderKind(String defaultBaseUrl) {
        this.defaultBaseUrl = defaultBaseUrl;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    public static Optional<ProviderKind> of(String code) {
        return Arrays.stream(values()).filter(k -> k.code().equals(code)).findFirst();
    }

    public static String codes() {
        return String.join(", ", Arrays.stream(values()).map(ProviderKind::code).toList());
    }
}
