package io.wagw.assistant.knowledge;

import io.wagw.store.assistant.Knowledge;
import io.wagw.store.assistant.Knowledge.Chunk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vectors of the knowledge for the dense retrieval: of the chunks of an upload (before it is stored), of a
 * question (once per question), and of a stored version that has none of this model (stored before vectors
 * existed, through onboarding, or by another model): such a version is re-embedded in the background the first
 * time a search meets it, and the dense retrieval skips it until then.
 *
 * <p>An embedder that fails (a custom model that cannot be loaded) costs only the dense retrieval: uploads are
 * stored without vectors and questions are answered from the words.
 */
public final class KnowledgeVectors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KnowledgeVectors.class);

    /**
     * The least cosine similarity a chunk needs to be found by the dense retrieval. all-MiniLM-L6-v2 puts
     * unrelated short texts at 0-0.25, paraphrases of the same question at 0.5 and above; in between lie
     * texts of the same business about other things.
     */
    public static final double FLOOR = 0.4;

    private final Knowledge knowledge;
    private final Embedder embedder;
    private final double floor;
    /** One thread, ended when idle: a node that never meets a version without vectors keeps none. */
    private final ThreadPoolExecutor background = idleEnding();

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Versions whose embedding failed, with when (System.nanoTime) to try again. */
    private final Map<String, Long> failed = new ConcurrentHashMap<>();

    private static final Duration RETRY_AFTER = Duration.ofMinutes(10);

    /** The most chunks embedded while the upload waits: a few seconds here. */
    public static final int INLINE_CHUNKS = 200;

    public KnowledgeVectors(Knowledge knowledge, Embedder embedder) {
        this(knowledge, embedder, FLOOR);
    }

    public KnowledgeVectors(Knowledge knowledge, Embedder embedder, double floor) {
        this.knowledge = knowledge;
        this.embedder = embedder;
        this.floor = floor;
    }

    /** The text a chunk is embedded as: its headings and its text, as full text indexes it. */
    static String text(Chunk c) {
        return c.headingPath() == null || c.headingPath().isEmpty() ? c.text() : c.headingPath() + "\n" + c.text();
    }

    /**
     * The vectors of an upload's chunks, in their order, computed before it is stored; null when the upload has
     * more than {@value #INLINE_CHUNKS} chunks (they are embedded after it is stored, in the background: a
     * 1 MB text can make thousands of chunks, minutes of embedding no request should wait for) or the embedder
     * failed. Call {@link #embedLater} for the stored version then.
     */
    public Knowledge.Vectors of(List<Chunk> chunks) {
        if (chunks.size() > INLINE_CHUNKS) {
            return null;
        }
        try {
            List<float[]> vectors = embedder.embedAll(
                    chunks.stream().map(KnowledgeVectors::text).toList());
            return new Knowledge.Vectors(embedder.model(), vectors);
        } catch (RuntimeException e) {
            log.warn("knowledge stored without vectors: the embedding model failed", e);
            return null;
        }
    }

    /**
     * The question's vector for the search, computed only when the tenant's active knowledge has vectors of
     * this model; the search is by words only when the embedder fails.
     */
    public Knowledge.Probe probe(String question) {
        return new Knowledge.Probe(
                embedder.model(),
                () -> {
                    try {
                        return embedder.embed(question);
                    } catch (RuntimeException e) {
                        log.debug("question searched by words only: the embedding model failed", e);
                        return null;
                    }
                },
                floor);
    }

    /** Computes and stores, in the background, the vectors of a version that has none of this model. */
    public void embedLater(String tenant, int version) {
        String key = tenant + "\n" + version;
        Long after = failed.get(key);
        if (after != null && System.nanoTime() - after < 0) {
            return;
        }
        if (!pending.add(key)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    embedNow(tenant, version);
                    failed.remove(key);
                } catch (RuntimeException e) {
                    // not again on every search: a model that cannot load fails the same way for a while
                    failed.put(key, System.nanoTime() + RETRY_AFTER.toNanos());
                    log.warn(
                            "the vectors of tenant {}'s knowledge version {} could not be computed; next try in {}",
                            tenant,
                            version,
                            RETRY_AFTER,
                            e);
                } finally {
                    pending.remove(key);
                }
            });
        } catch (RejectedExecutionException closed) {
            pending.remove(key);
        }
    }

    /** Computes and stores the vectors of one of the tenant's versions; false when it has no such version. */
    public boolean embedNow(String tenant, int version) {
        List<Chunk> chunks = knowledge.chunks(tenant, version);
        if (chunks.isEmpty()) {
            return false;
        }
        long start = System.nanoTime();
        List<float[]> vectors =
                embedder.embedAll(chunks.stream().map(KnowledgeVectors::text).toList());
        boolean stored = knowledge.embed(tenant, version, new Knowledge.Vectors(embedder.model(), vectors));
        log.info(
                "tenant {}'s knowledge version {} embedded by {}: {} chunks in {} ms",
                tenant,
                version,
                embedder.model(),
                chunks.size(),
                (System.nanoTime() - start) / 1_000_000);
        return stored;
    }

    private static ThreadPoolExecutor idleEnding() {
        var pool = new ThreadPoolExecutor(
                1,
                1,
                10,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("knowledge-vectors").factory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
