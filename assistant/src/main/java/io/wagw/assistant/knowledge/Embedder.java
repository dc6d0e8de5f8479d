package io.wagw.assistant.knowledge;

import java.util.List;

/**
 * Computes dense vectors of texts with one embedding model, in process. Vectors of different {@link #model}
 * names are never compared.
 */
public interface Embedder {
    /** Names the model and, for a model given by files, their contents: it changes when they change. */
    String model();

    /** The vector of one text (a question). */
    float[] embed(String text);

    /** The vectors of texts (the chunks of an upload), in their order. */
    List<float[]> embedAll(List<String> texts);
}
