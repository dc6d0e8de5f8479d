package io.wagw.assistant.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.assistant.pipeline.Answerer;
import io.wagw.assistant.pipeline.Answerer.Answer;
import io.wagw.assistant.pipeline.Pipeline;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.settings.Language;
import io.wagw.assistant.settings.TemplateKind;
import io.wagw.assistant.settings.TenantSettings;
import io.wagw.store.assistant.Knowledge.Chunk;
import io.wagw.store.assistant.Knowledge.Hit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The answerer over a retriever that hands back every chunk, best first as given: the line picking alone
 * must find the lines that answer and keep unrelated questions below the threshold.
 */
class ExtractiveAnswererTest {
    private static final TenantSettings SETTINGS = TenantSettings.defaults("Salon Aida");
    private static final List<Chunk> SALON = Chunker.chunk("markdown", """
            # Цены / Prices
            ## Ногти / Nails
            - Маникюр / Manicure — 5000 ₸
            - Педикюр / Pedicure — 7000 ₸
            - Покрытие гель-лак / Gel polish — 3000 ₸
            ## Волосы / Hair
            - Стрижка женская / Women's haircut — 8000 ₸
            - Окрашивание / Colouring — от 15000 ₸

            # Часы работы / Opening hours
            - Пн–Сб / Mon–Sat: 10:00–20:00
            - Воскресенье / Sunday: выходной / closed

            # Адрес / Address
            Алматы, проспект Абая 10, 2 этаж. Парковка во дворе.
            """);

    private final List<String> asked = new ArrayList<>();

    private Answer ask(String text, Language lang) {
        return ask(text, lang, SALON);
    }

    private Answer ask(String text, Language lang, List<Chunk> chunks) {
        ExtractiveAnswerer.Retriever retriever = (tenant, query, limit) -> {
            asked.add(tenant + ": " + query);
            var hits = new ArrayList<Hit>();
            for (int i = 0; i < chunks.size() && i < limit; i++) {
                hits.add(
                        new Hit(1, i, chunks.get(i).headingPath(), chunks.get(i).text(), 1.0 / (60 + i), 0, 0));
            }
            return hits;
        };
        return new ExtractiveAnswerer(retriever::search)
                .answer(new Answerer.Question("salon", SETTINGS, text, lang, Answerer.CustomerContext.none()));
    }

    @Test
    void aPriceQuestionIsAnsweredWithThePriceLineOnly() {
        Answer ru = ask("Сколько стоит маникюр?", Language.RU);
        assertThat(ru.text()).isEqualTo("Маникюр / Manicure — 5000 ₸");
        assertThat(ru.kind()).isEqualTo(ReplyKind.KNOWLEDGE);
        assertThat(ru.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(ru.sources()).containsExactly("Цены / Prices > Ногти / Nails");
        assertThat(asked).first().isEqualTo("salon: Сколько стоит маникюр?");

        Answer en = ask("How much is a manicure?", Language.EN);
        assertThat(en.text()).isEqualTo("Маникюр / Manicure — 5000 ₸");
        assertThat(en.confidence()).isEqualTo(1.0);

        assertThat(ask("сколько стоит маникур", Language.RU).text())
                .as("a misspelling")
                .isEqualTo("Маникюр / Manicure — 5000 ₸");
        assertThat(ask("стрижка цена?", Language.RU).text()).isEqualTo("Стрижка женская / Women's haircut — 8000 ₸");
    }

    @Test
    void hoursQuestionsGetTheDayAskedAbout() {
        Answer sunday = ask("Вы работаете в воскресенье?", Language.RU);
        assertThat(sunday.text()).isEqualTo("Воскресенье / Sunday: выходной / closed");
        assertThat(sunday.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(sunday.sources()).containsExactly("Часы работы / Opening hours");
        assertThat(ask("Are you open on Sundays?", Language.EN).text())
                .isEqualTo("Воскресенье / Sunday: выходной / closed");

        Answer hours = ask("When are you open?", Language.EN);
        assertThat(hours.text())
                .as("no day named: the hours, not the prices")
                .isEqualTo("Пн–Сб / Mon–Sat: 10:00–20:00\nВоскресенье / Sunday: выходной / closed");
        assertThat(hours.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void aQuestionAboutAHeadingGetsItsListNotEverything() {
        Answer nails = ask("What are your nail prices?", Language.EN);
        assertThat(nails.text().lines().toList())
                .containsExactly(
                        "Маникюр / Manicure — 5000 ₸",
                        "Педикюр / Pedicure — 7000 ₸",
                        "Покрытие гель-лак / Gel polish — 3000 ₸");
        assertThat(nails.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);

        Answer address = ask("Где вы находитесь?", Language.RU);
        assertThat(address.text()).startsWith("Алматы, проспект Абая 10");
        assertThat(address.text()).doesNotContain("₸");
    }

    @Test
    void twoQuestionsInOneMessageGetALineEach() {
        Answer both = ask("How much is a pedicure and are you open on Sunday?", Language.EN);
        assertThat(both.text().lines().toList())
                .containsExactly("Педикюр / Pedicure — 7000 ₸", "Воскресенье / Sunday: выходной / closed");
        assertThat(both.confidence()).isEqualTo(1.0);
    }

    @Test
    void wordsTheKnowledgeNamesInAnotherLanguageAreFound() {
        List<Chunk> russian = Chunker.chunk("markdown", """
                # Ногти
                - Педикюр — 7000 ₸
                # Волосы
                - Детская стрижка — 4000 ₸
                # Ресницы
                - Наращивание ресниц — 12000 ₸
                # Часы работы
                - Пн–Сб: 10:00–20:00
                - Воскресенье: 11:00–17:00
                """);
        Answer sunday = ask("Жексенбі күні жұмыс істейсіз бе?", Language.KK, russian);
        assertThat(sunday.text()).isEqualTo("Воскресенье: 11:00–17:00");
        assertThat(sunday.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(asked).last().asString().contains("воскресенье", "sunday");

        Answer kids = ask("How much is a haircut for kids?", Language.EN, russian);
        assertThat(kids.text()).isEqualTo("Детская стрижка — 4000 ₸");
        assertThat(kids.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(ask("Педикюр бағасы қанша?", Language.KK, russian).text()).isEqualTo("Педикюр — 7000 ₸");

        assertThat(ask("How much are eyelash extensions?", Language.EN, russian).text())
                .isEqualTo("Наращивание ресниц — 12000 ₸");
        assertThat(ask("Do you do hair extensions?", Language.EN, russian).confidence())
                .as("words next to each other are one thing: a chunk must hold them all")
                .isLessThan(Pipeline.CONFIDENCE_THRESHOLD);

        assertThat(ExtractiveAnswerer.variants("зубов")).contains("teeth", "тіс");
        assertThat(ExtractiveAnswerer.variants("car")).containsExactly("car");
    }

    @Test
    void aMisspeltKindWordIsStillAKind() {
        Answer address = ask("whats your adress", Language.EN);
        assertThat(address.text()).startsWith("Алматы, проспект Абая 10");
        assertThat(address.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(ExtractiveAnswerer.asked("what is the prise of a pedicure").kinds())
                .containsExactly(ExtractiveAnswerer.Kind.PRICE);
        assertThat(ExtractiveAnswerer.asked("is there parking").kinds())
                .as("a stop word is not a misspelt kind")
                .isEmpty();
    }

    @Test
    void aWhoQuestionGetsTheLineNamingAPerson() {
        List<Chunk> staff = Chunker.chunk("markdown", """
                # Цены
                - Педикюр — 7000 ₸
                - Окрашивание бровей — 3000 ₸
                # Мастера
                - Айгерим — мастер педикюра, стаж 8 лет.
                - Dr. Emma Clarke — brows and colouring.
                """);
        Answer ru = ask("Кто делает педикюр?", Language.RU, staff);
        assertThat(ru.text()).isEqualTo("Айгерим — мастер педикюра, стаж 8 лет.");
        assertThat(ru.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(ask("who does the colouring?", Language.EN, staff).text())
                .isEqualTo("Dr. Emma Clarke — brows and colouring.");
        assertThat(ask("Who is the owner?", Language.EN, staff).confidence()).isLessThan(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void aTopicEveryHeadingHoldsIsTheBusinessNotWhatIsAsked() {
        List<Chunk> clinic = Chunker.chunk("markdown", """
                # Smile Dental Clinic
                ## About
                Smile is a family dental clinic founded in 2010, with 12 dentists.
                ## Address
                - 5 Abay Avenue, office 3, Almaty.
                """);
        Answer where = ask("Where is the clinic located?", Language.EN, clinic);
        assertThat(where.text()).isEqualTo("5 Abay Avenue, office 3, Almaty.");
        assertThat(where.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void unrelatedQuestionsStayBelowTheThreshold() {
        for (String q : List.of(
                "Can I bring my dog?",
                "Какая погода завтра?",
                "How much is a car?",
                "Сколько стоит ремонт машины?",
                "Do you sell flowers?",
                "ok",
                "???")) {
            Answer a = ask(q, Language.EN);
            assertThat(a.confidence()).as(q).isLessThan(Pipeline.CONFIDENCE_THRESHOLD);
        }
        Answer none = ask("Can I bring my dog?", Language.EN);
        assertThat(none.kind()).isEqualTo(ReplyKind.TEMPLATE);
        assertThat(none.text())
                .isEqualTo(SETTINGS.templates()
                        .text(TemplateKind.FALLBACK, Language.EN, SETTINGS.defaultLanguage(), "Salon Aida"));
    }

    @Test
    void withoutKnowledgeTheFallbackAtConfidenceZero() {
        Answer a = ask("Сколько стоит маникюр?", Language.RU, List.of());
        assertThat(a.confidence()).isZero();
        assertThat(a.kind()).isEqualTo(ReplyKind.TEMPLATE);
        assertThat(a.sources()).isEmpty();
        assertThat(a.text())
                .isEqualTo(SETTINGS.templates()
                        .text(TemplateKind.FALLBACK, Language.RU, SETTINGS.defaultLanguage(), "Salon Aida"));
    }

    @Test
    void wordsAreTheSameByStemOrByATypingMistake() {
        assertThat(ExtractiveAnswerer.sameWord("маникюр", "маникюра")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("sunday", "sundays")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("maniqure", "manicure")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("педикюр", "пeдикюр")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("стоит", "стол")).isFalse();
        assertThat(ExtractiveAnswerer.sameWord("car", "cat")).isFalse();
        assertThat(ExtractiveAnswerer.sameWord("5000", "15000")).isFalse();
    }
}
