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
 * <p>{@link #search} ranks the active version's chunks by two retrievals fused by reciprocal rank: full text
 * (the best of the Russian, English and simple configurations, any word of the query) and trigram word
 * similarity of the query's words (for misspellings). Every statement filters by the tenant.
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

    /** A chunk to store: the path of headings it sits under (e.g. "Prices > Nails") and its text. */
    public record Chunk(String headingPath, String text) {}

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
     */
    public record Hit(
            int version,
            int ordinal,
            String headingPath,
            String text,
            double score,
            double textRank,
            double similarity) {}

    private final Jdbi jdbi;

    public Knowledge(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores a new version with its chunks and makes it the active one, in one transaction; the previous
     * version is kept inactive.
     */
    public Version upload(String tenant, String format, String text, List<Chunk> chunks) {
        Validation.slug(tenant);
        check(format, text, chunks);
        int version = jdbi.inTransaction(h -> insert(h, Tenant.lock(h, tenant), format, text, chunks));
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
        check(format, text, chunks);
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
                            INSERT INTO knowledge_versions (tenant_id, version, format, source, active)
                            VALUES (:t, :version, :format, :source, TRUE)
                            RETURNING id
                            """)
                    .bind("t", t)
                    .bind("version", next)
                    .bind("format", f)
                    .bind("source", source)
                    .mapTo(Long.class)
                    .one();
            var batch = h.prepareBatch("""
                    INSERT INTO knowledge_chunks (tenant_id, version_id, ordinal, heading_path, text)
                    VALUES (:t, :v, :ordinal, :heading, :text)
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
        jdbi.useTransaction(h -> {
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
        });
        return version(tenant, version);
    }

    /**
     * The active version's chunks that best match {@code query}, best first, at most {@code limit}; empty
     * when nothing matches or the tenant has no knowledge.
     */
    public List<Hit> search(String tenant, String query, int limit) {
        Validation.slug(tenant);
        if (limit < 1 || limit > MAX_SEARCH_LIMIT) {
            throw new StoreException.InvalidInput(
                    "limit", "limit must be between 1 and %d".formatted(MAX_SEARCH_LIMIT));
        }
        if (query == null || query.isBlank()) {
            return List.of();
        }
        String q = query.length() > MAX_QUERY_LENGTH ? query.substring(0, MAX_QUERY_LENGTH) : query;
        q = Validation.storable(q);
        List<String> words = words(q);
        String text = q;
        return jdbi.inTransaction(h -> {
            long t = Tenant.id(h, tenant);
            h.execute("SET LOCAL pg_trgm.word_similarity_threshold = " + WORD_SIMILARITY);
            return h.createQuery("""
                            WITH active AS (
                                SELECT id, version FROM knowledge_versions WHERE tenant_id = :t AND active
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
                            )
                            SELECT a.version, c.ordinal, c.heading_path, c.text,
                                   COALESCE(1.0 / (:k + fts.n), 0) + COALESCE(1.0 / (:k + trg.n), 0) AS score,
                                   COALESCE(fts.rank, 0), COALESCE(trg.sim, 0)
                              FROM fts FULL JOIN trg ON trg.id = fts.id
                              JOIN knowledge_chunks c ON c.id = COALESCE(fts.id, trg.id)
                              JOIN active a ON a.id = c.version_id
                             WHERE c.tenant_id = :t
                             ORDER BY score DESC, c.ordinal
                             LIMIT :limit
                            """)
                    .bind("t", t)
                    .bind("q", text)
                    .bind("words", words.toArray(String[]::new))
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
                            rs.getDouble(7)))
                    .list();
        });
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
