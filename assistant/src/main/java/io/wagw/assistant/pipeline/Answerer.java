package io.wagw.assistant.pipeline;

import io.wagw.assistant.settings.Language;
import io.wagw.assistant.settings.TenantSettings;
import java.util.List;

/**
 * Produces the answer to a customer's question: the tenant's knowledge and a language model (the answer
 * engine), or only the tenant's templates ({@link TemplateAnswerer}). May block; called on a virtual thread.
 */
public interface Answerer {

    /**
     * @param text     the customer's message, or the messages of one burst joined by line breaks
     * @param customer what is known about the customer, within the pipeline's size budget
     */
    record Question(String tenant, TenantSettings settings, String text, Language language, CustomerContext customer) {}

    /** The customer's profile, the summary of the conversation so far and its last messages. */
    record CustomerContext(String pushName, int messageCount, String summary, List<String> recentMessages) {
        public static CustomerContext none() {
            return new CustomerContext(null, 0, null, List.of());
        }
    }

    /**
     * @param confidence 0 to 1; below the pipeline's threshold the chat is escalated
     * @param sources    what the answer was taken from (knowledge chunk ids or headings)
     */
    record Answer(
            String text,
            ReplyKind kind,
            double confidence,
            List<String> sources,
            long tokensIn,
            long tokensOut,
            double costUsd) {}

    Answer answer(Question question);

    /** Drops whatever the answerer keeps for the tenant: its knowledge, prompt or settings changed. */
    default void forget(String tenant) {}
}
