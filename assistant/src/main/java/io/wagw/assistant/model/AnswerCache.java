package io.wagw.assistant.model;

import io.wagw.assistant.pipeline.Answerer.Answer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model's answers per tenant, by normalised question and language, so that the tenth "how much is a
 * manicure?" costs nothing. Bounded: at most {@code perTenant} answers per tenant and {@code tenants} tenants,
 * the least recently used dropped first.
 *
 * <p>Every entry belongs to a {@link Generation}: the knowledge version, the prompt version and the settings
 * it was made with. A lookup with another generation empties the tenant's answers, so a knowledge upload or
 * restore, a prompt activation or rollback, or a settings change on any node makes every earlier answer
 * unreachable; {@link #invalidate} also drops them at once on the node where the change was made.
 */
public final class AnswerCache {
    /** What an answer depends on besides the question. */
    public record Generation(int knowledgeVersion, int promptVersion, Object settings) {}

    private final int perTenant;
    private final Map<String, TenantAnswers> tenants;

    private static final class TenantAnswers {
        final Generation generation;
        final LinkedHashMap<String, Answer> answers;

        TenantAnswers(Generation generation, int max) {
            this.generation = generation;
            this.answers = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                    return size() > max;
                }
            };
        }
    }

    public AnswerCache(int tenants, int perTenant) {
        this.perTenant = perTenant;
        this.tenants = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TenantAnswers> eldest) {
                return size() > tenants;
            }
        };
    }

    public synchronized Optional<Answer> get(String tenant, Generation generation, String key) {
        TenantAnswers t = tenants.get(tenant);
        if (t == null) {
            return Optional.empty();
        }
        if (!t.generation.equals(generation)) {
            tenants.remove(tenant);
            return Optional.empty();
        }
        return Optional.ofNullable(t.answers.get(key));
    }

    public synchronized void put(String tenant, Generation generation, String key, Answer answer) {
        TenantAnswers t = tenants.get(tenant);
        if (t == null || !t.generation.equals(generation)) {
            t = new TenantAnswers(generation, perTenant);
            tenants.put(tenant, t);
        }
        t.answers.put(key, answer);
    }

    /** Drops the tenant's answers (its knowledge, prompt or settings changed). */
    public synchronized void invalidate(String tenant) {
        tenants.remove(tenant);
    }

    public synchronized int size(String tenant) {
        TenantAnswers t = tenants.get(tenant);
        return t == null ? 0 : t.answers.size();
    }
}
