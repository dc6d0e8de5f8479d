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

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call)
                .isInstanceOf(StoreException.InvalidInput.class)
                .extracting(e -> ((StoreException) e).field())
                .isEqualTo(field);
    }
}
