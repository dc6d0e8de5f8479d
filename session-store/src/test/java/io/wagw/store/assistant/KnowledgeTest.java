package io.wagw.store.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import io.wagw.store.assistant.Knowledge.Chunk;
import io.wagw.store.assistant.Knowledge.Hit;
import io.wagw.store.assistant.Knowledge.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KnowledgeTest {
    private final SessionStore store = TestStore.get();
    private final Knowledge knowledge = store.knowledge();

    private static final List<Chunk> SALON = List.of(
            new Chunk("Цены > Ногти", "Маникюр — 5000 тг\nПедикюр — 7000 тг"),
            new Chunk("Цены > Волосы", "Стрижка женская — 8000 тг\nОкрашивание — от 15000 тг"),
            new Chunk("Opening hours", "Mon–Sat: 10:00–20:00\nSunday: closed"),
            new Chunk("Prices > Nails", "Manicure — 5000 KZT\nPedicure — 7000 KZT"),
            new Chunk("Адрес", "Алматы, проспект Абая 10"));

    private String tenant() {
        String slug = TestStore.unique("salon");
        store.tenants().create(slug, "Salon", "business");
        return slug;
    }

    @Test
    void anUploadReplacesTheActiveVersionAndAnOlderOneCanBeRestored() {
        String t = tenant();
        assertThat(knowledge.current(t)).isEmpty();
        assertThat(knowledge.versions(t)).isEmpty();
        assertThat(knowledge.search(t, "маникюр", 5)).isEmpty();

        Version v1 = knowledge.upload(t, "markdown", "# Цены\n- Маникюр — 5000 тг", SALON);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.active()).isTrue();
        assertThat(v1.chunks()).isEqualTo(SALON.size());
        assertThat(knowledge.current(t).orElseThrow().text()).isEqualTo("# Цены\n- Маникюр — 5000 тг");

        Version v2 = knowledge.upload(t, "text", "Стрижка 9000", List.of(new Chunk("", "Стрижка 9000")));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(knowledge.current(t).orElseThrow().version().version()).isEqualTo(2);
        assertThat(knowledge.versions(t)).extracting(Version::version).containsExactly(2, 1);
        assertThat(knowledge.versions(t)).filteredOn(Version::active).hasSize(1);
        assertThat(knowledge.search(t, "маникюр", 5))
                .as("only the active version")
                .isEmpty();
        assertThat(knowledge.search(t, "стрижка", 5)).extracting(Hit::version).containsExactly(2);

        assertThat(knowledge.restore(t, 1).active()).isTrue();
        assertThat(knowledge.current(t).orElseThrow().version().version()).isEqualTo(1);
        assertThat(knowledge.search(t, "маникюр", 5)).isNotEmpty().allMatch(h -> h.version() == 1);
        assertThat(knowledge.restore(t, 1).active())
                .as("restoring the active one")
                .isTrue();
        assertThat(knowledge.versions(t)).filteredOn(Version::active).hasSize(1);

        assertThatThrownBy(() -> knowledge.restore(t, 9))
                .isInstanceOf(StoreException.NotFound.class)
                .extracting(e -> ((StoreException) e).field())
                .isEqualTo("version");
    }

    @Test
    void badInputIsRefusedByFieldAndChangesNothing() {
        String t = tenant();
        assertField(() -> knowledge.upload(t, "pdf", "x", SALON), "format");
        assertField(() -> knowledge.upload(t, "text", " ", SALON), "text");
        assertField(() -> knowledge.upload(t, "text", "x", List.of()), "text");
        assertField(() -> knowledge.upload(t, "text", "x".repeat(Knowledge.MAX_SOURCE_BYTES + 1), SALON), "text");
        assertField(() -> knowledge.search(t, "x", 0), "limit");
        assertThat(knowledge.versions(t)).isEmpty();
        assertThatThrownBy(() -> knowledge.current("no-such-tenant-" + System.nanoTime()))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void searchRanksByFullTextInRussianAndEnglishAndForgivesMisspellings() {
        String t = tenant();
        knowledge.upload(t, "markdown", "salon", SALON);

        List<Hit> ru = knowledge.search(t, "Сколько стоит маникюр?", 5);
        assertThat(ru).isNotEmpty();
        assertThat(ru.get(0).headingPath()).isEqualTo("Цены > Ногти");
        assertThat(ru.get(0).textRank()).isPositive();

        List<Hit> en = knowledge.search(t, "how much is a manicure", 5);
        assertThat(en.get(0).headingPath()).isEqualTo("Prices > Nails");

        assertThat(knowledge.search(t, "Are you open on Sundays?", 5).get(0).headingPath())
                .as("english stemming: sundays → sunday")
                .isEqualTo("Opening hours");
        assertThat(knowledge.search(t, "стрижки", 5).get(0).headingPath())
                .as("russian stemming")
                .isEqualTo("Цены > Волосы");

        List<Hit> typo = knowledge.search(t, "маникур", 5);
        assertThat(typo).as("a misspelling is found by trigrams").isNotEmpty();
        assertThat(typo.get(0).headingPath()).isEqualTo("Цены > Ногти");
        assertThat(typo.get(0).similarity()).isPositive();

        assertThat(knowledge.search(t, "квантовая хромодинамика", 5)).isEmpty();
        assertThat(knowledge.search(t, "   ", 5)).isEmpty();
        assertThat(knowledge.search(t, "'&|!<-> ( ) :*", 5))
                .as("operators are only text")
                .isEmpty();
        List<Hit> all = knowledge.search(t, "тг KZT маникюр стрижка", 2);
        assertThat(all).hasSize(2);
        assertThat(all.get(0).score()).isGreaterThanOrEqualTo(all.get(1).score());
    }

    @Test
    void oneTenantsKnowledgeNeverComesBackForAnother() {
        String a = tenant();
        String b = tenant();
        knowledge.upload(a, "markdown", "a", List.of(new Chunk("Цены", "Маникюр — 5000 тг, стрижка — 8000 тг")));
        knowledge.upload(b, "markdown", "b", List.of(new Chunk("Цены", "Маникюр — 9999 тг, стрижка — 1111 тг")));
        for (String q : List.of("маникюр", "стрижка цены", "маникур", "тг", "Цены")) {
            assertThat(knowledge.search(a, q, 50))
                    .isNotEmpty()
                    .allMatch(h -> h.text().contains("5000"));
            assertThat(knowledge.search(b, q, 50))
                    .isNotEmpty()
                    .allMatch(h -> h.text().contains("9999"));
        }
        String c = tenant();
        assertThat(knowledge.search(c, "маникюр", 50))
                .as("a tenant without knowledge")
                .isEmpty();
    }

    @Test
    void racingUploadsLeaveExactlyOneActiveVersion() throws Exception {
        String t = tenant();
        try (var pool = Executors.newFixedThreadPool(4)) {
            var futures = new ArrayList<Future<Version>>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                futures.add(pool.submit(
                        () -> knowledge.upload(t, "text", "v" + n, List.of(new Chunk("", "version " + n)))));
            }
            for (var f : futures) {
                f.get();
            }
        }
        assertThat(knowledge.versions(t)).hasSize(8);
        assertThat(knowledge.versions(t)).filteredOn(Version::active).hasSize(1);
        assertThat(knowledge.versions(t).get(0).active()).as("the newest").isTrue();
    }

    /** A unit vector along one axis (of 8), a little towards another: stands in for a model's vectors. */
    private static float[] axis(int axis, int towards) {
        float[] v = new float[8];
        v[axis] = 1;
        if (towards >= 0) {
            v[towards] = 0.3f;
        }
        return v;
    }

    private static final List<Chunk> CLINIC = List.of(
            new Chunk("Booking", "No appointment needed."),
            new Chunk("Prices", "Cleaning — 15000 KZT"),
            new Chunk("Hours", "Mon–Fri 9:00–18:00"));

    private static Knowledge.Vectors clinicVectors(String model) {
        return new Knowledge.Vectors(model, List.of(axis(0, -1), axis(1, -1), axis(2, -1)));
    }

    @Test
    void theDenseRetrievalFindsWhatTheWordsMissOnlyWithVectorsOfTheSameModel() {
        String t = tenant();
        knowledge.upload(t, "markdown", "clinic", CLINIC, clinicVectors("model-a"));
        var probe = Knowledge.Probe.of("model-a", axis(0, 3), 0.5);

        assertThat(knowledge.search(t, "do you take walk-ins?", 5))
                .as("no shared word")
                .isEmpty();
        Knowledge.Found found = knowledge.search(t, "do you take walk-ins?", probe, 5);
        assertThat(found.unembedded()).isFalse();
        assertThat(found.hits()).extracting(Hit::headingPath).containsExactly("Booking");
        assertThat(found.hits().get(0).dense()).isGreaterThan(0.9);
        assertThat(found.hits().get(0).textRank()).isZero();

        List<Hit> both = knowledge
                .search(t, "cleaning price", Knowledge.Probe.of("model-a", axis(1, -1), 0.5), 5)
                .hits();
        assertThat(both.get(0).headingPath()).isEqualTo("Prices");
        assertThat(both.get(0).score())
                .as("found by full text, trigrams and vectors")
                .isGreaterThan(2.0 / (Knowledge.RRF_K + 1));

        Knowledge.Found other =
                knowledge.search(t, "do you take walk-ins?", Knowledge.Probe.of("model-b", axis(0, 3), 0.5), 5);
        assertThat(other.unembedded())
                .as("vectors of another model are not compared")
                .isTrue();
        assertThat(other.hits()).isEmpty();
        assertThat(knowledge
                        .search(t, "do you take walk-ins?", Knowledge.Probe.of("model-a", axis(4, -1), 0.5), 5)
                        .hits())
                .as("below the similarity floor")
                .isEmpty();

        assertThat(knowledge.chunks(t, 1)).isEqualTo(CLINIC);
        assertThat(knowledge.embed(t, 1, clinicVectors("model-b"))).isTrue();
        assertThat(knowledge
                        .search(t, "do you take walk-ins?", Knowledge.Probe.of("model-b", axis(0, 3), 0.5), 5)
                        .hits())
                .as("re-embedded by model-b")
                .extracting(Hit::headingPath)
                .containsExactly("Booking");
        assertThat(knowledge.search(t, "do you take walk-ins?", probe, 5).unembedded())
                .isTrue();
        assertThat(knowledge.embed(t, 9, clinicVectors("model-b")))
                .as("no such version")
                .isFalse();
    }

    @Test
    void aVersionWithoutVectorsIsSearchedByWordsOnly() {
        String t = tenant();
        knowledge.upload(t, "markdown", "clinic", CLINIC);
        Knowledge.Found found = knowledge.search(t, "cleaning", Knowledge.Probe.of("model-a", axis(1, -1), 0.5), 5);
        assertThat(found.unembedded()).isTrue();
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.hits()).extracting(Hit::headingPath).containsExactly("Prices");
        assertThat(found.hits().get(0).dense()).isZero();
    }

    @Test
    void noChunkOfOneTenantReachesAnotherThroughTheDenseRetrieval() {
        String a = tenant();
        String b = tenant();
        // the same words and the same vectors: only the tenant tells them apart
        knowledge.upload(
                a,
                "markdown",
                "a",
                List.of(new Chunk("Цены", "Маникюр — 5000 тг")),
                new Knowledge.Vectors("m", List.of(axis(0, -1))));
        knowledge.upload(
                b,
                "markdown",
                "b",
                List.of(new Chunk("Цены", "Маникюр — 9999 тг")),
                new Knowledge.Vectors("m", List.of(axis(0, -1))));
        for (String q : List.of("маникюр", "walk-ins", "сколько стоит")) {
            assertThat(knowledge
                            .search(a, q, Knowledge.Probe.of("m", axis(0, 1), 0.1), 50)
                            .hits())
                    .isNotEmpty()
                    .allMatch(h -> h.text().contains("5000"));
            assertThat(knowledge
                            .search(b, q, Knowledge.Probe.of("m", axis(0, 1), 0.1), 50)
                            .hits())
                    .isNotEmpty()
                    .allMatch(h -> h.text().contains("9999"));
        }
    }

    @Test
    void anUploadOrARestoreDropsTheTenantsCachedVectors() {
        var small = new Knowledge(
                TestStore.jdbi().installPlugin(new org.jdbi.v3.postgres.PostgresPlugin()), new VectorCache(10_000));
        String t = tenant();
        String other = tenant();
        small.upload(other, "markdown", "clinic", CLINIC, clinicVectors("m"));
        small.search(other, "cleaning", Knowledge.Probe.of("m", axis(1, -1), 0.5), 5);
        small.upload(t, "markdown", "clinic", CLINIC, clinicVectors("m"));
        var probe = Knowledge.Probe.of("m", axis(0, -1), 0.5);
        assertThat(small.search(t, "walk-ins", probe, 5).hits())
                .extracting(Hit::headingPath)
                .containsExactly("Booking");
        assertThat(small.cache().versions()).isEqualTo(2);
        assertThat(small.cache().floats()).isEqualTo(2 * 3 * 8);

        small.upload(
                t,
                "text",
                "v2",
                List.of(new Chunk("", "Walk-ins welcome")),
                new Knowledge.Vectors("m", List.of(axis(5, -1))));
        assertThat(small.cache().floats())
                .as("the upload dropped version 1's vectors")
                .isEqualTo(3 * 8);
        assertThat(small.search(t, "no appointment", probe, 5).hits())
                .as("version 2 holds nothing like it")
                .isEmpty();
        assertThat(small.search(t, "x", Knowledge.Probe.of("m", axis(5, -1), 0.5), 5)
                        .hits())
                .extracting(Hit::version)
                .containsExactly(2);
        assertThat(small.cache().floats()).isEqualTo(3 * 8 + 8);

        small.restore(t, 1);
        assertThat(small.cache().floats())
                .as("the restore dropped version 2's vectors")
                .isEqualTo(3 * 8);
        assertThat(small.search(t, "walk-ins", probe, 5).hits())
                .extracting(Hit::version)
                .containsExactly(1);
    }

    @Test
    void theCachedVectorsStayWithinTheBoundAndALargerVersionIsStillSearched() {
        var small = new Knowledge(
                TestStore.jdbi().installPlugin(new org.jdbi.v3.postgres.PostgresPlugin()), new VectorCache(60));
        var probe = Knowledge.Probe.of("m", axis(0, 3), 0.5);
        for (int i = 0; i < 6; i++) {
            String t = tenant();
            small.upload(t, "markdown", "clinic", CLINIC, clinicVectors("m")); // 24 floats
            assertThat(small.search(t, "walk-ins", probe, 5).hits())
                    .extracting(Hit::headingPath)
                    .containsExactly("Booking");
            assertThat(small.cache().floats()).isLessThanOrEqualTo(60);
        }
        assertThat(small.cache().versions()).isEqualTo(2);

        String big = tenant();
        var chunks = new ArrayList<Chunk>();
        var vectors = new ArrayList<float[]>();
        for (int i = 0; i < 10; i++) {
            chunks.add(new Chunk("", "chunk " + i));
            vectors.add(axis(i % 8, i == 7 ? 3 : -1));
        }
        small.upload(big, "text", "big", chunks, new Knowledge.Vectors("m", vectors)); // 80 floats
        assertThat(small.search(big, "walk-ins", Knowledge.Probe.of("m", axis(7, 3), 0.99), 5)
                        .hits())
                .extracting(Hit::text)
                .containsExactly("chunk 7");
        assertThat(small.cache().floats()).isLessThanOrEqualTo(60);
    }

    @Test
    void vectorsThatDoNotFitTheChunksAreRefusedByField() {
        String t = tenant();
        assertField(
                () -> knowledge.upload(t, "markdown", "c", CLINIC, new Knowledge.Vectors("m", List.of(axis(0, -1)))),
                "vectors");
        assertField(
                () -> knowledge.upload(
                        t,
                        "markdown",
                        "c",
                        CLINIC,
                        new Knowledge.Vectors("m", List.of(axis(0, -1), axis(1, -1), new float[3]))),
                "vectors");
        assertField(
                () -> knowledge.upload(
                        t,
                        "markdown",
                        "c",
                        CLINIC,
                        new Knowledge.Vectors(
                                "m", List.of(axis(0, -1), axis(1, -1), new float[] {Float.NaN, 0, 0, 0, 0, 0, 0, 0}))),
                "vectors");
        assertField(() -> knowledge.upload(t, "markdown", "c", CLINIC, new Knowledge.Vectors(" ", List.of())), "model");
        assertThat(knowledge.versions(t)).isEmpty();
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call)
                .isInstanceOf(StoreException.InvalidInput.class)
                .extracting(e -> ((StoreException) e).field())
                .isEqualTo(field);
    }
}
