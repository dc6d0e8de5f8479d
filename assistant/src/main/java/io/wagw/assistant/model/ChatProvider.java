package io.wagw.assistant.model;

/**
 * A hosted or local language model reached over HTTP. Implementations make exactly one request per call and
 * report every failure as a {@link ProviderFailure}; retries, timeouts and breakers are {@link ProviderGuard}'s.
 * Blocking: called on a virtual thread.
 */
public interface ChatProvider {

    /**
     * @param maxTokens the longest answer wanted, in tokens
     */
    record ChatCall(String model, String system, String user, double temperature, int maxTokens) {}

    /** The model's answer and the tokens the provider counted. */
    record Completion(String text, long tokensIn, long tokensOut) {}

    Completion complete(ChatCall call);
}
