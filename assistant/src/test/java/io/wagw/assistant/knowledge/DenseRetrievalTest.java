package io.wagw.assistant.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.service.AssistantService;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.assistant.Knowledge.Hit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dense retrieval with the real bundled model over a real PostgreSQL. */
class DenseRetrievalTest {
    private static SessionStore store;
    private static KnowledgeVectors vectors;
    private static AssistantService service;
    private static HybridRetriever retriever;

    private static final String CLINIC = """
            # Booking
            - No appointment needed: come in any time during opening hours.
            # Prices
            - Professional cleaning — 25 000 ₸
            - Teeth whitening — 85 000 ₸
            # Parking
            - Underground parking, the first hour free.
            """;

    private static final String SALON = """
            # Booking
            - Appointments only: book by phone at +7 727 555 12 34 a day before.
            # Prices
            - Manicure — 6 500 ₸
            - Professional hair colouring — 15 500 ₸
            """;

    @BeforeAll
    static void open() throws Exception {
        store = SessionStore.open(StoreConfig.embedded(Files.createTempDirectory("wagw-dense-test")));
        vectors = new KnowledgeVectors(store.knowledge(), OnnxEmbedder.bundled());
        service = new AssistantService(store, q -> null, Clock.systemUTC(), new SimpleMeterRegistry(), vectors);
        retriever = new HybridRetriever(store.knowledge(), vectors);
    }

    @AfterAll
    static void close() {
        vectors.close();
        store.close();
    }

    private static String tenant() {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        store.tenants().create(slug, "Business", "free");
        return slug;
    }

    /**
     * all-MiniLM-L6-v2 is small: it puts "Do you take walk-ins?" at a cosine of 0.18 to "No appointment needed"
     * (below the floor, as far as unrelated texts), but "Must I schedule a visit beforehand?" at 0.5-0.6.
     */
    @Test
    void aParaphraseTheWordsMissIsFoundByMeaning() {
        String t = tenant();
        service.uploadKnowledge(t, "markdown", CLINIC);
        String question = "Must I schedule a visit beforehand?";

        assertThat(store.knowledge().search(t, question, 5))
                .as("full text and trigrams")
                .noneMatch(h -> h.text().contains("No appointment needed"));
        List<Hit> hits = retriever.search(t, question, 5);
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).text()).contains("No appointment needed");
        assertThat(hits.get(0).dense()).isGreaterThanOrEqualTo(KnowledgeVectors.FLOOR);
        assertThat(hits.get(0).textRank()).isZero();

        assertThat(retriever.search(t, "Where can I leave my car?", 5))
                .first()
                .extracting(Hit::headingPath)
                .isEqualTo("Parking");
        assertThat(retriever.searchWords(t, question, 5))
                .as("made-up word lists are searched by words only")
                .noneMatch(h -> h.text().contains("No appointment needed"));
    }

    @Test
    void noChunkOfOneTenantReachesAnotherThroughTheDenseRetrievalEither() {
        String clinic = tenant();
        String salon = tenant();
        service.uploadKnowledge(clinic, "markdown", CLINIC);
        service.uploadKnowledge(salon, "markdown", SALON);
        for (String q : List.of(
                "Must I schedule a visit beforehand?",
                "Do you take walk-ins?",
                "Do I need to book?",
                "How much is professional cleaning?",
                "How much is a manicure?",
                "Where can I park?",
                "booking prices professional",
                "What is your phone number?")) {
            assertThat(retriever.search(clinic, q, 50))
                    .as(q)
                    .allMatch(h -> CLINIC.contains(h.text()), "a chunk of the clinic");
            assertThat(retriever.search(salon, q, 50))
                    .as(q)
                    .allMatch(h -> SALON.contains(h.text()), "a chunk of the salon");
        }
        assertThat(retriever.search(salon, "Where can I leave my car?", 50))
                .as("the salon has no parking chunk; the clinic's is never lent")
                .noneMatch(h -> h.text().contains("parking"));
    }

    @Test
    void anUploadOrARestoreChangesWhatTheDenseRetrievalFinds() {
        String t = tenant();
        service.uploadKnowledge(t, "markdown", CLINIC);
        assertThat(retriever
                        .search(t, "Must I schedule a visit beforehand?", 5)
                        .get(0)
                        .text())
                .contains("No appointment needed");

        service.uploadKnowledge(t, "markdown", SALON);
        assertThat(retriever.search(t, "Must I schedule a visit beforehand?", 5))
                .allMatch(h -> h.version() == 2)
                .noneMatch(h -> h.text().contains("No appointment needed"));

        store.knowledge().restore(t, 1);
        List<Hit> restored = retriever.search(t, "Must I schedule a visit beforehand?", 5);
        assertThat(restored.get(0).text()).contains("No appointment needed");
        assertThat(restored.get(0).version()).isEqualTo(1);
    }

    @Test
    void knowledgeStoredWithoutVectorsIsEmbeddedAfterItsFirstSearchAndFoundByMeaningThen() throws Exception {
        String t = tenant();
        // as onboarding stores it, or as it was before vectors existed
        store.knowledge().upload(t, "markdown", CLINIC, Chunker.chunk("markdown", CLINIC));
        assertThat(retriever.search(t, "Must I schedule a visit beforehand?", 5))
                .as("searched by words until embedded")
                .noneMatch(h -> h.text().contains("No appointment needed"));
        assertThat(awaitFound(t, "Must I schedule a visit beforehand?", "No appointment needed"))
                .as("re-embedded in the background")
                .isTrue();
    }

    @Test
    void aLargeUploadIsStoredAtOnceAndEmbeddedAfterwards() throws Exception {
        String t = tenant();
        var text = new StringBuilder(CLINIC);
        for (int i = 0; i < KnowledgeVectors.INLINE_CHUNKS; i++) {
            text.append("# Service ")
                    .append(i)
                    .append("\n- Price: ")
                    .append(1000 + i)
                    .append(" ₸\n");
        }
        assertThat(service.uploadKnowledge(t, "markdown", text.toString()).chunks())
                .isGreaterThan(KnowledgeVectors.INLINE_CHUNKS);
        assertThat(awaitFound(t, "Must I schedule a visit beforehand?", "No appointment needed"))
                .as("embedded in the background")
                .isTrue();
    }

    @Test
    void aModelGivenByPathEmbedsLikeTheSameModelBundledAndItsOwnVectorsAreComputedAgain(@TempDir Path dir)
            throws Exception {
        Path model = dir.resolve("model.onnx");
        Path tokenizer = dir.resolve("tokenizer.json");
        copy(OnnxEmbedder.BUNDLED + ".onnx", model);
        copy(OnnxEmbedder.BUNDLED + "-tokenizer.json", tokenizer);
        Embedder custom = OnnxEmbedder.files(model, tokenizer);
        assertThat(custom.model()).startsWith("onnx:model.onnx:").isNotEqualTo(OnnxEmbedder.BUNDLED);
        float[] a = custom.embed("No appointment needed");
        float[] b = OnnxEmbedder.bundled().embed("No appointment needed");
        assertThat(cosine(a, b)).isGreaterThan(0.999);

        String t = tenant();
        service.uploadKnowledge(t, "markdown", CLINIC); // by the bundled model
        try (var customVectors = new KnowledgeVectors(store.knowledge(), custom)) {
            var customRetriever = new HybridRetriever(store.knowledge(), customVectors);
            var probe = customVectors.probe("Must I schedule a visit beforehand?");
            assertThat(store.knowledge()
                            .search(t, "Must I schedule a visit beforehand?", probe, 5)
                            .unembedded())
                    .as("vectors of another model")
                    .isTrue();
            customRetriever.search(t, "Must I schedule a visit beforehand?", 5);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (store.knowledge().search(t, "visit", probe, 5).unembedded() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(customRetriever
                            .search(t, "Must I schedule a visit beforehand?", 5)
                            .get(0)
                            .text())
                    .contains("No appointment needed");
        }
    }

    @Test
    void aModelThatCannotBeLoadedCostsOnlyTheDenseRetrieval(@TempDir Path dir) throws Exception {
        Path model = Files.writeString(dir.resolve("broken.onnx"), "not a model");
        Path tokenizer = dir.resolve("tokenizer.json");
        copy(OnnxEmbedder.BUNDLED + "-tokenizer.json", tokenizer);
        try (var broken = new KnowledgeVectors(store.knowledge(), OnnxEmbedder.files(model, tokenizer))) {
            var brokenService =
                    new AssistantService(store, q -> null, Clock.systemUTC(), new SimpleMeterRegistry(), broken);
            String t = tenant();
            assertThat(brokenService.uploadKnowledge(t, "markdown", CLINIC).version())
                    .isEqualTo(1);
            assertThat(new HybridRetriever(store.knowledge(), broken).search(t, "teeth whitening", 5))
                    .first()
                    .extracting(Hit::text)
                    .asString()
                    .contains("85 000");
        }
    }

    @Test
    void aQuestionIsEmbeddedOnceAndOnlyWhenTheTenantsKnowledgeHasVectorsToCompare() throws Exception {
        var questions = new java.util.concurrent.atomic.AtomicInteger();
        Embedder bundled = OnnxEmbedder.bundled();
        Embedder counting = new Embedder() {
            @Override
            public String model() {
                return bundled.model();
            }

            @Override
            public float[] embed(String text) {
                questions.incrementAndGet();
                return bundled.embed(text);
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                return bundled.embedAll(texts);
            }
        };
        try (var countingVectors = new KnowledgeVectors(store.knowledge(), counting)) {
            var counted = new HybridRetriever(store.knowledge(), countingVectors);
            String none = tenant();
            assertThat(counted.search(none, "How much is a manicure?", 5)).isEmpty();
            assertThat(questions).as("a tenant without knowledge").hasValue(0);

            String unembedded = tenant();
            store.knowledge().upload(unembedded, "markdown", CLINIC, Chunker.chunk("markdown", CLINIC));
            assertThat(counted.search(unembedded, "teeth whitening", 5)).isNotEmpty();
            assertThat(questions).as("knowledge without vectors yet").hasValue(0);

            String embedded = tenant();
            service.uploadKnowledge(embedded, "markdown", CLINIC);
            counted.search(embedded, "teeth whitening", 5);
            assertThat(questions).hasValue(1);
        }
    }

    private static boolean awaitFound(String tenant, String question, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (retriever.search(tenant, question, 5).stream()
                    .anyMatch(h -> h.text().contains(text))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, to);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
