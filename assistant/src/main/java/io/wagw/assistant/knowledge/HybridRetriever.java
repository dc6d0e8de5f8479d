package io.wagw.assistant.knowledge;

import io.wagw.store.assistant.Knowledge;
import io.wagw.store.assistant.Knowledge.Hit;
import java.util.List;

/**
 * Finds a question's chunks by full text, trigrams and the question's vector (computed once per question, and
 * only when the tenant's knowledge has vectors of this model), fused by reciprocal rank in
 * {@link Knowledge#search(String, String, Knowledge.Probe, int)}. A version without vectors of this model is
 * searched by words and re-embedded in the background.
 */
public final class HybridRetriever implements ExtractiveAnswerer.Retriever {
    private final Knowledge knowledge;
    private final KnowledgeVectors vectors;

    public HybridRetriever(Knowledge knowledge, KnowledgeVectors vectors) {
        this.knowledge = knowledge;
        this.vectors = vectors;
    }

    @Override
    public List<Hit> search(String tenant, String question, int limit) {
        Knowledge.Found found = knowledge.search(tenant, question, vectors.probe(question), limit);
        if (found.unembedded()) {
            vectors.embedLater(tenant, found.version());
        }
        return found.hits();
    }

    @Override
    public List<Hit> searchWords(String tenant, String words, int limit) {
        return knowledge.search(tenant, words, limit);
    }
}
