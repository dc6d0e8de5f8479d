package io.wagw.store.assistant;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Each tenant's knowledge in versions: the source text as uploaded and its chunks, numbered from 1 per tenant
 * and never changed once created. Exactly one version is active once the tenant uploaded any; an upload
 * replaces the active version in one transaction (the previous one is kept, inactive, and can be restored).
 * Every change locks the tenant's row, so racing uploads still leave exactly one active version.
 *
 * <p>{@link #search} ranks the active version's chunks by up to three retrievals fused by reciprocal rank: full
 * text (the best of the Russian, English and simple configurations, any word of the query), trigram word
 * similarity of the query's words (for misspellings) and, given the query's vector, the cosine similarity of
 * the chunks' vectors (computed by an embedding model outside this module when the knowledge was uploaded).
 * Every statement filters by the tenant; the cosine is computed here, over the active version's vectors read
 * by tenant and version and held in a bounded {@link VectorCache}.
 */
public final class Knowledge {
    /** Largest source text accepted, in UTF-8 bytes. */
    public static final int MAX_SOURCE_BYTES = 1024 * 1024;

    public static final int MAX_CHUNKS = 10_000;
    public static final int MAX_SEARCH_LIMIT = 50;
    /** The constant of reciprocal rank fusion: a chunk's score is the sum of 1 / (K + rank) over the retrievals. */
    public static final int RRF_K = 60;
    /** How many chunks each retrieval hands to the fusion. */
    static final int DEPTH = 50;
    /** A query word counts for the trigram retrieval when its word similarity to a chunk reaches this. */
    static final double WORD_SIMILARITY = 0.5;

    private static final int MAX_QUERY_LENGTH = 2_000;
    private static final int MAX_QUERY_WORDS = 16;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    public static final Set<String> FORMATS = Set.of("markdown", "text", "qa");

    /** The longest model name stored with vectors. */
    public static final int MAX_MODEL_NAME = 200;
    /** The largest dimension of a vector stored. */
    public static final int MAX_DIMENSION = 4096;

    /** A chunk to store: the path of headings it sits under (e.g. "Prices > Nails") and its text. */
    public record Chunk(String headingPath, String text) {}

    /**
     * The vectors of a version's chunks, in the chunks' order, all computed by one model.
     *
     * @param model names the model (and its files), so that vectors of different models are never compared
     */
    public record Vectors(String model, List<float[]> vectors) {
        public Vectors {
            vectors = List.copyOf(vectors);
        }

        public int dimension() {
            return vectors.isEmpty() ? 0 : vectors.get(0).length;
        }
    }

    /**
     * A query's vector for the dense retrieval, computed only when the active version has vectors of the model
     * (a tenant without knowledge, or with knowledge not embedded yet, costs no embedding).
     *
     * @param model  the model that computes it: only chunks embedded by the same model are compared
     * @param vector computes the query's vector, outside any transaction; null when it cannot
     * @param floor  the least cosine similarity a chunk needs to be found by the dense retrieval
     */
    public record Probe(String model, Supplier<float[]> vector, double floor) {
        /** A vector already computed. */
        public static Probe of(String model, float[] vector, double floor) {
            return new Probe(model, () -> vector, floor);
        }
    }

    /**
     * What {@link #search(String, String, Probe, int)} found.
     *
     * @param version    the active version searched, 0 when the tenant has none
     * @param unembedded the active version has no vectors of the probe's model: the dense retrieval skipped it
     */
    public record Found(List<Hit> hits, int version, boolean unembedded) {}

    /** A version without its source text. */
    public record Version(int version, String format, Instant createdAt, boolean active, int chunks, int chars) {}

    /** The active version with its source text. */
    public record Current(Version version, String text) {}

    /**
     * A chunk found by {@link #search}.
     *
     * @param score      the fused score: the sum of 1 / (60 + rank) over the retrievals that found the chunk
     * @param textRank   the best full-text rank of the three configurations, 0 when full text did not find it
     * @param similarity the mean trigram word similarity of the query's words, 0 when trigrams did not find it
     * @param dense      the cosine similarity of the chunk's vector to the query's, 0 when the dense retrieval did
     *                   not find it
     */
    public record Hit(
            int version,
            int ordinal,
            String headingPath,
            String text,
            double score,
            double textRank,
            double similarity,
            double dense) {
        /** A hit of the lexical retrievals only. */
        public Hit(
                int version,
                int ordinal,
                String headingPath,
                String text,
                double score,
                double textRank,
                double similarity) {
            this(version, ordinal, headingPath, text, score, textRank, similarity, 0);
        }
    }

    private final Jdbi jdbi;
    private final VectorCache cache;

    public Knowledge(Jdbi jdbi) {
        this(jdbi, new VectorCache(VectorCache.DEFAULT_MAX_FLOATS));
    }

    public Knowledge(Jdbi jdbi, VectorCache cache) {
        this.jdbi = jdbi;
        this.cache = cache;
    }

    /** The vectors held in memory for the dense retrieval. */
    public VectorCache cache() {
        return cache;
    }

    /**
     * Stores a new version with its chunks and makes it the active one, in one transaction; the previous
     * version is kept inactive.
     */
    public Version upload(String tenant, String format, String text, List<Chunk> chunks) {
        return upload(tenant, format, text, chunks, null);
    }

    /**
     * Stores a new version with its chunks and their vectors (null: none) and makes it the active one, in one
     * transaction; the previous version is kept inactive.
     */
    public Version upload(String tenant, String format, String text, List<Chunk> chunks, Vectors vectors) {
        Validation.slug(tenant);
        check(format, text, chunks);
        check(vectors, chunks.size());
        long[] tenantId = new long[1];
        int version = jdbi.inTransaction(h -> {
            tenantId[0] = Tenant.lock(h, tenant);
            return insert(h, tenantId[0], format, text, chunks, vectors);
        });
        cache.invalidate(tenantId[0]);
        return version(tenant, version);
    }

    /** Refuses knowledge that cannot be stored, naming the field, before any write. */
    public static void check(String format, String text, List<Chunk> chunks) {
        format(format);
        source(text);
        if (chunks == null || chunks.isEmpty()) {
            throw new StoreException.InvalidInput("text", "text holds nothing to answer from");
        }
        if (chunks.size() > MAX_CHUNKS) {
            throw new StoreException.InvalidInput(
                    "text", "text makes more than %d chunks (%d)".formatted(MAX_CHUNKS, chunks.size()));
        }
    }

    /**
     * Inserts a version with its chunks as the tenant's active one, inside the caller's transaction (which
     * holds the tenant's row lock or created the tenant); returns its number.
     */
    public static int insert(Handle h, long t, String format, String text, List<Chunk> chunks) {
        return insert(h, t, format, text, chunks, null);
    }

    private static int insert(Handle h, long t, String format, String text, List<Chunk> chunks, Vectors vectors) {
        check(format, text, chunks);
        check(vectors, chunks.size());
        String f = format(format);
        String source = source(text);
        {
            int next = h.createQuery(
                            "SELECT COALESCE(MAX(version), 0) + 1 FROM knowledge_versions WHERE tenant_id = :t")
                    .bind("t", t)
                    .mapTo(Integer.class)
                    .one();
            h.createUpdate("UPDATE knowledge_versions SET active = FALSE WHERE tenant_id = :t AND active")
                    .bind("t", t)
                    .execute();
            long id = h.createQuery("""
                            INSERT INTO knowledge_versions
                                   (tenant_id, version, format, source, active, embedding_model, embedding_dimension)
                            VALUES (:t, :version, :format, :source, TRUE, :model, :dimension)
                            RETURNING id
                            """)
                    .bind("t", t)
                    .bind("version", next)
                    .bind("format", f)
                    .bind("source", source)
                    .bind("model", vectors == null ? null : vectors.model())
                    .bind("dimension", vectors == null ? null : vectors.dimension())
                    .mapTo(Long.class)
                    .one();
            Float[][] embeddings = vectors == null ? null : boxed(vectors);
            var batch = h.prepareBatch("""
                    INSERT INTO knowledge_chunks (tenant_id, version_id, ordinal, heading_path, text, embedding)
                    VALUES (:t, :v, :ordinal, :heading, :text, :embedding)
                    """);
            int ordinal = 0;
            for (Chunk c : chunks) {
                if (c == null || c.text() == null || c.text().isBlank()) {
                    throw new StoreException.InvalidInput("text", "a chunk of the text is empty");
                }
                batch.bind("t", t)
                        .bind("v", id)
                        .bind("ordinal", ordinal++)
                        .bind("heading", Validation.storable(c.headingPath() == null ? "" : c.headingPath()))
                        .bind("text", Validation.storable(c.text()))
                        .bindByType("embedding", embeddings == null ? null : embeddings[ordinal - 1], Float[].class)
                        .add();
            }
            batch.execute();
            return next;
        }
    }

    /** The active version with its source text; empty while the tenant uploaded none. */
    public Optional<Current> current(String tenant) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> {
            long t = Tenant.id(h, tenant);
            var active = h.createQuery("SELECT version, source FROM knowledge_versions WHERE tenant_id = :t AND active")
                    .bind("t", t)
                    .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2)))
                    .findOne();
            if (active.isEmpty()) {
                return Optional.<Current>empty();
            }
            int v = active.get().getKey();
            Version version = versions(h, t).stream()
                    .filter(x -> x.version() == v)
                    .findFirst()
                    .orElseThrow();
            return Optional.of(new Current(version, active.get().getValue()));
        });
    }

    /** One version with its source text (to compare versions); empty when the tenant has no such version. */
    public Optional<Current> versionWithText(String tenant, int version) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> {
            long t = Tenant.id(h, tenant);
            var source = h.createQuery("SELECT source FROM knowledge_versions WHERE tenant_id = :t AND version = :v")
                    .bind("t", t)
                    .bind("v", version)
                    .mapTo(String.class)
                    .findOne();
            return source.flatMap(text -> versions(h, t).stream()
                    .filter(x -> x.version() == version)
                    .findFirst()
                    .map(v -> new Current(v, text)));
        });
    }

    /** The tenant's versions, newest first, without their texts. */
    public List<Version> versions(String tenant) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> versions(h, Tenant.id(h, tenant)));
    }

    private static List<Version> versions(Handle h, long t) {
        return h.createQuery("""
                        SELECT v.version, v.format, v.created_at, v.active, length(v.source),
                               (SELECT count(*) FROM knowledge_chunks c WHERE c.tenant_id = :t AND c.version_id = v.id)
                          FROM knowledge_versions v WHERE v.tenant_id = :t ORDER BY v.version DESC
                        """)
                .bind("t", t)
                .map((rs, ctx) -> new Version(
                        rs.getInt(1),
                        rs.getString(2),
                        Turns.instant(rs, 3),
                        rs.getBoolean(4),
                        (int) rs.getLong(6),
                        rs.getInt(5)))
                .list();
    }

    /** Makes an earlier version the active one again; restoring the active version changes nothing. */
    public Version restore(String tenant, int version) {
        Validation.slug(tenant);
        long tenantId = jdbi.inTransaction(h -> {
            long t = Tenant.lock(h, tenant);
            long id = h.createQuery("SELECT id FROM knowledge_versions WHERE tenant_id = :t AND version = :version")
                    .bind("t", t)
                    .bind("version", version)
                    .mapTo(Long.class)
                    .findOne()
                    .orElseThrow(() -> new StoreException.NotFound(
                            "version", "tenant '%s' has no knowledge version %d".formatted(tenant, version)));
            h.createUpdate("UPDATE knowledge_versions SET active = FALSE WHERE tenant_id = :t AND active AND id <> :id")
                    .bind("t", t)
                    .bind("id", id)
                    .execute();
            h.createUpdate("UPDATE knowledge_versions SET active = TRUE WHERE tenant_id = :t AND id = :id")
                    .bind("t", t)
                    .bind("id", id)
                    .execute();
            return t;
        });
        cache.invalidate(tenantId);
        return version(tenant, version);
    }

    /**
     * The active version's chunks that best match {@code query} by the lexical retrievals, best first, at most
     * {@code limit}; empty when nothing matches or the tenant has no knowledge.
     */
    public List<Hit> search(String tenant, String query, int limit) {
        return search(tenant, query, null, limit).hits();
    }

    /**
     * The active version's chunks that best match {@code query}, best first, at most {@code limit}: by the
     * lexical retrievals and, given a {@code probe} (the query's vector) and when the active version has vectors
     * of the probe's model, by the cosine similarity of the chunks' vectors too.
     */
    public Found search(String tenant, String query, Probe probe, int limit) {
        Validation.slug(tenant);
        if (limit < 1 || limit > MAX_SEARCH_LIMIT) {
            throw new StoreException.InvalidInput(
                    "limit", "limit must be between 1 and %d".formatted(MAX_SEARCH_LIMIT));
        }
        if (query == null || query.isBlank()) {
            return new Found(List.of(), 0, false);
        }
        String q = query.length() > MAX_QUERY_LENGTH ? query.substring(0, MAX_QUERY_LENGTH) : query;
        q = Validation.storable(q);
        List<String> words = words(q);
        String text = q;
        Active active = jdbi.withHandle(h -> {
                    long t = Tenant.id(h, tenant);
                    return h.createQuery("""
                                    SELECT id, version, embedding_model, embedding_dimension
                                      FROM knowledge_versions WHERE tenant_id = :t AND active
                                    """)
                            .bind("t", t)
                            .map((rs, ctx) -> new Active(t, rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getInt(4)))
                            .findOne();
                })
                .orElse(null);
        if (active == null) {
            return new Found(List.of(), 0, false);
        }
        boolean unembedded = probe != null && !probe.model().equals(active.model());
        // the query's vector is computed between the two statements, holding no connection
        float[] vector = probe == null || unembedded ? null : probe.vector().get();
        VectorCache.Ranking dense = vector == null || vector.length != active.dimension()
                ? VectorCache.Ranking.NONE
                : index(active).rank(vector, probe.floor(), DEPTH);
        // a version replaced in between is still searched: as if the query had come a moment earlier
        return jdbi.inTransaction(h -> {
            long t = active.tenant();
            h.execute("SET LOCAL pg_trgm.word_similarity_threshold = " + WORD_SIMILARITY);
            List<Hit> hits = h.createQuery("""
                            WITH active AS (
                                SELECT id, version FROM knowledge_versions WHERE tenant_id = :t AND id = :v
                            ),
                            q AS (
                                SELECT CAST(NULLIF(regexp_replace(CAST(plainto_tsquery('russian', :q) AS TEXT),
                                               ' (&|<->|<[0-9]+>) ', ' | ', 'g'), '') AS TSQUERY) AS ru,
                                       CAST(NULLIF(regexp_replace(CAST(plainto_tsquery('english', :q) AS TEXT),
                                               ' (&|<->|<[0-9]+>) ', ' | ', 'g'), '') AS TSQUERY) AS en,
                                       CAST(NULLIF(regexp_replace(CAST(plainto_tsquery('simple', :q) AS TEXT),
                                               ' (&|<->|<[0-9]+>) ', ' | ', 'g'), '') AS TSQUERY) AS si
                            ),
                            fts AS (
                                SELECT c.id, r.rank, row_number() OVER (ORDER BY r.rank DESC, c.ordinal) AS n
                                  FROM knowledge_chunks c
                                  JOIN active a ON a.id = c.version_id
                                 CROSS JOIN q
                                 CROSS JOIN LATERAL (SELECT GREATEST(
                                        ts_rank_cd(c.tsv_russian, q.ru),
                                        ts_rank_cd(c.tsv_english, q.en),
                                        ts_rank_cd(c.tsv_simple, q.si)) AS rank) r
                                 WHERE c.tenant_id = :t
                                   AND (c.tsv_russian @@ q.ru OR c.tsv_english @@ q.en OR c.tsv_simple @@ q.si)
                                 ORDER BY n LIMIT :depth
                            ),
                            words AS (
                                SELECT DISTINCT w FROM unnest(CAST(:words AS TEXT[])) AS w
                            ),
                            trg AS (
                                SELECT c.id, s.sim, row_number() OVER (ORDER BY s.sim DESC, c.ordinal) AS n
                                  FROM knowledge_chunks c
                                  JOIN active a ON a.id = c.version_id
                                 CROSS JOIN LATERAL (
                                        SELECT sum(word_similarity(w.w, c.text)) / GREATEST((SELECT count(*) FROM words), 1)
                                               AS sim
                                          FROM words w WHERE w.w <% c.text) s
                                 WHERE c.tenant_id = :t AND s.sim IS NOT NULL
                                 ORDER BY n LIMIT :depth
                            ),
                            -- the dense ranking computed in the node, kept to this tenant's active version
                            dense AS (
                                SELECT d.id, d.sim, d.n
                                  FROM unnest(CAST(:dense_ids AS BIGINT[]), CAST(:dense_sims AS FLOAT8[]))
                                       WITH ORDINALITY AS d(id, sim, n)
                                  JOIN knowledge_chunks c ON c.id = d.id
                                  JOIN active a ON a.id = c.version_id
                                 WHERE c.tenant_id = :t
                            ),
                            fused AS (
                                SELECT COALESCE(fts.id, trg.id, dense.id) AS id,
                                       COALESCE(1.0 / (:k + fts.n), 0) + COALESCE(1.0 / (:k + trg.n), 0)
                                           + COALESCE(1.0 / (:k + dense.n), 0) AS score,
                                       COALESCE(fts.rank, 0) AS rank, COALESCE(trg.sim, 0) AS sim,
                                       COALESCE(dense.sim, 0) AS dense
                                  FROM fts
                                  FULL JOIN trg ON trg.id = fts.id
                                  FULL JOIN dense ON dense.id = COALESCE(fts.id, trg.id)
                            )
                            SELECT a.version, c.ordinal, c.heading_path, c.text, f.score, f.rank, f.sim, f.dense
                              FROM fused f
                              JOIN knowledge_chunks c ON c.id = f.id
                              JOIN active a ON a.id = c.version_id
                             WHERE c.tenant_id = :t
                             ORDER BY f.score DESC, c.ordinal
                             LIMIT :limit
                            """)
                    .bind("t", t)
                    .bind("v", active.id())
                    .bind("q", text)
                    .bind("words", words.toArray(String[]::new))
                    .bind("dense_ids", dense.ids())
                    .bind("dense_sims", dense.similarities())
                    .bind("depth", DEPTH)
                    .bind("k", RRF_K)
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Hit(
                            rs.getInt(1),
                            rs.getInt(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getDouble(5),
                            rs.getDouble(6),
                            rs.getDouble(7),
                            rs.getDouble(8)))
                    .list();
            return new Found(hits, active.version(), unembedded);
        });
    }

    /** The tenant's active version, with the model that computed its vectors (null when none did). */
    private record Active(long tenant, long id, int version, String model, int dimension) {}

    /** The active version's vectors, from the cache or read by tenant and version. */
    private VectorCache.Index index(Active active) {
        long t = active.tenant();
        var key = new VectorCache.Key(t, active.id(), active.model());
        VectorCache.Index index = cache.get(key);
        if (index != null) {
            return index;
        }
        var ids = new ArrayList<Long>();
        var vectors = new ArrayList<float[]>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT id, embedding FROM knowledge_chunks
                         WHERE tenant_id = :t AND version_id = :v AND cardinality(embedding) = :dimension
                         ORDER BY ordinal
                        """)
                .bind("t", t)
                .bind("v", active.id())
                .bind("dimension", active.dimension())
                .map((rs, ctx) -> {
                    ids.add(rs.getLong(1));
                    vectors.add(unboxed((Object[]) rs.getArray(2).getArray()));
                    return 0;
                })
                .list());
        index = VectorCache.Index.of(
                ids.stream().mapToLong(Long::longValue).toArray(), vectors.toArray(float[][]::new), active.dimension());
        cache.put(key, index);
        return index;
    }

    /** The chunks of one of the tenant's versions, in order; empty when it has no such version. */
    public List<Chunk> chunks(String tenant, int version) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT c.heading_path, c.text FROM knowledge_chunks c
                          JOIN knowledge_versions v ON v.id = c.version_id
                         WHERE v.tenant_id = :t AND c.tenant_id = :t AND v.version = :version
                         ORDER BY c.ordinal
                        """)
                .bind("t", Tenant.id(h, tenant))
                .bind("version", version)
                .map((rs, ctx) -> new Chunk(rs.getString(1), rs.getString(2)))
                .list());
    }

    /**
     * Stores vectors for the chunks of one of the tenant's versions, replacing those of another model; false
     * when the version is gone or its chunks changed count (nothing is written then).
     */
    public boolean embed(String tenant, int version, Vectors vectors) {
        Validation.slug(tenant);
        long[] tenantId = new long[1];
        boolean stored = jdbi.inTransaction(h -> {
            long t = Tenant.lock(h, tenant);
            tenantId[0] = t;
            var id = h.createQuery("SELECT id FROM knowledge_versions WHERE tenant_id = :t AND version = :version")
                    .bind("t", t)
                    .bind("version", version)
                    .mapTo(Long.class)
                    .findOne();
            if (id.isEmpty()) {
                return false;
            }
            int chunks = h.createQuery("SELECT count(*) FROM knowledge_chunks WHERE tenant_id = :t AND version_id = :v")
                    .bind("t", t)
                    .bind("v", id.get())
                    .mapTo(Integer.class)
                    .one();
            if (vectors == null || vectors.vectors().size() != chunks) {
                return false;
            }
            check(vectors, chunks);
            Float[][] embeddings = boxed(vectors);
            var batch = h.prepareBatch("""
                    UPDATE knowledge_chunks SET embedding = :embedding
                     WHERE tenant_id = :t AND version_id = :v AND ordinal = :ordinal
                    """);
            for (int i = 0; i < embeddings.length; i++) {
                batch.bind("t", t)
                        .bind("v", id.get())
                        .bind("ordinal", i)
                        .bindByType("embedding", embeddings[i], Float[].class)
                        .add();
            }
            batch.execute();
            h.createUpdate("""
                            UPDATE knowledge_versions SET embedding_model = :model, embedding_dimension = :dimension
                             WHERE tenant_id = :t AND id = :v
                            """)
                    .bind("t", t)
                    .bind("v", id.get())
                    .bind("model", vectors.model())
                    .bind("dimension", vectors.dimension())
                    .execute();
            return true;
        });
        cache.invalidate(tenantId[0]);
        return stored;
    }

    /** Refuses vectors that do not fit the chunks: one per chunk, one model, one dimension, finite values. */
    static void check(Vectors vectors, int chunks) {
        if (vectors == null) {
            return;
        }
        if (vectors.model() == null
                || vectors.model().isBlank()
                || vectors.model().length() > MAX_MODEL_NAME) {
            throw new StoreException.InvalidInput(
                    "model", "the embedding model's name must be 1-%d characters".formatted(MAX_MODEL_NAME));
        }
        if (vectors.vectors().size() != chunks) {
            throw new StoreException.InvalidInput(
                    "vectors",
                    "one vector per chunk is needed (%d chunks, %d vectors)"
                            .formatted(chunks, vectors.vectors().size()));
        }
        int dimension = vectors.dimension();
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new StoreException.InvalidInput(
                    "vectors", "a vector has 1-%d dimensions (got %d)".formatted(MAX_DIMENSION, dimension));
        }
        for (float[] v : vectors.vectors()) {
            if (v.length != dimension) {
                throw new StoreException.InvalidInput("vectors", "the vectors differ in dimension");
            }
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    throw new StoreException.InvalidInput("vectors", "a vector holds a value that is not finite");
                }
            }
        }
    }

    private static Float[][] boxed(Vectors vectors) {
        var out = new Float[vectors.vectors().size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = vectors.vectors().get(i);
            out[i] = new Float[v.length];
            for (int d = 0; d < v.length; d++) {
                out[i][d] = v[d];
            }
        }
        return out;
    }

    private static float[] unboxed(Object[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ((Number) values[i]).floatValue();
        }
        return out;
    }

    /** The query's distinct words of at least 3 letters, lower case, at most 16. */
    static List<String> words(String query) {
        var out = new LinkedHashSet<String>();
        Matcher m = WORD.matcher(query.toLowerCase(Locale.ROOT));
        while (m.find() && out.size() < MAX_QUERY_WORDS) {
            if (m.group().length() >= 3) {
                out.add(m.group());
            }
        }
        return new ArrayList<>(out);
    }

    private Version version(String tenant, int version) {
        return versions(tenant).stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow();
    }

    static String format(String value) {
        if (value == null || !FORMATS.contains(value)) {
            throw new StoreException.InvalidInput("format", "format must be one of markdown, text, qa");
        }
        return value;
    }

    static String source(String value) {
        if (value == null || value.isBlank()) {
            throw new StoreException.InvalidInput("text", "text is required");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOURCE_BYTES) {
            throw new StoreException.InvalidInput(
                    "text", "text must be at most %d bytes in UTF-8 (got %d)".formatted(MAX_SOURCE_BYTES, bytes));
        }
        return Validation.multiLine("text", value);
    }
}
