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
        assertThat(ExtractiveAnswerer.variants("сейсенбі"))
                .as("a weekday is not taken for another a letter or two away")
                .contains("вторник", "tuesday")
                .doesNotContain("понедельник", "суббота");
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
        assertThat(ExtractiveAnswerer.sameWord("зуб", "зубы")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("cars", "car")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("cart", "car")).isFalse();
        assertThat(ExtractiveAnswerer.sameWord("тіс", "тістерді"))
                .as("Kazakh suffixes")
                .isTrue();
        assertThat(ExtractiveAnswerer.sameWord("тормоздарды", "тормоза")).isTrue();
        assertThat(ExtractiveAnswerer.kazakhStem("уақытқа")).isEqualTo("уақыт");
        assertThat(ExtractiveAnswerer.sameWord("бояйсыздар", "бояу"))
                .as("a Kazakh verb's endings")
                .isTrue();
        assertThat(ExtractiveAnswerer.sameWord("тексересіз", "тексеру")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("diagnostics", "диагностика"))
                .as("a loanword")
                .isTrue();
        assertThat(ExtractiveAnswerer.sameWord("такси", "taxi")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("conditioner", "кондиционер")).isTrue();
        assertThat(ExtractiveAnswerer.sameWord("bank", "банка")).isFalse();
        assertThat(ExtractiveAnswerer.sameWord("card", "карта")).isFalse();
    }

    /** A bicycle workshop written the way owners write: wrapped prose, a table, a FAQ in bold. */
    private static final List<Chunk> WORKSHOP = Chunker.chunk("markdown", """
            # Веломастерская «Педаль»

            Мы чиним велосипеды, самокаты и детские коляски с 2012 года, в центре города, во дворе
            за книжным магазином. Запчасти всегда в наличии, большинство ремонтов делаем за один день.

            ## Цены
            - Замена камеры — 2 000 ₸
            - Настройка переключателей — 3 500 ₸
            - Проверка перед покупкой велосипеда — 5 000 ₸

            | Размер колеса | Замена покрышки |
            |---|---|
            | 12–20 дюймов | 3 000 ₸ |
            | 24–29 дюймов | 4 000 ₸ |

            ## Режим работы
            - Вторник–суббота: 10:00–19:00
            - Воскресенье и понедельник: выходной

            ## Мастера
            - Арман — колёса и тормоза, стаж 10 лет

            ## Частые вопросы
            **Можно оставить велосипед на зиму?**
            Да, храним велосипеды с ноября по март, 10 000 ₸ за сезон.

            **Вы чините электросамокаты?**
            Только механику: тормоза, колёса, руль. Электронику не чиним.
            """);

    @Test
    void aFaqQuestionLineTravelsWithItsAnswerAndIsNeverTheAnswer() {
        Answer winter = ask("Можно у вас оставить велосипед на зиму?", Language.RU, WORKSHOP);
        assertThat(winter.text()).isEqualTo("Да, храним велосипеды с ноября по март, 10 000 ₸ за сезон.");
        assertThat(winter.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        assertThat(winter.sources())
                .containsExactly("Веломастерская «Педаль» > Частые вопросы > Можно оставить велосипед на зиму?");

        // knowledge chunked with its question line in the text (uploaded before, or a plain FAQ): the answer
        // below it is picked, not the question
        List<Chunk> inText =
                List.of(new Chunk("FAQ", "**Can I pay in instalments?**\nYes, through Kaspi Red for 3 to 12 months."));
        Answer instalments = ask("Can I pay in instalments?", Language.EN, inText);
        assertThat(instalments.text()).isEqualTo("Yes, through Kaspi Red for 3 to 12 months.");
        assertThat(ExtractiveAnswerer.isQuestion("**Можно с собакой?**")).isTrue();
        assertThat(ExtractiveAnswerer.isQuestion("Да, можно.")).isFalse();
    }

    @Test
    void proseWrappedAtAWidthIsAnsweredWithWholeSentences() {
        Answer since = ask("С какого года вы чините велосипеды?", Language.RU, WORKSHOP);
        assertThat(since.text())
                .startsWith(
                        "Мы чиним велосипеды, самокаты и детские коляски с 2012 года, в центре города, во дворе за книжным");
        assertThat(since.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void fillersQualifiersAndSuffixesDoNotSinkAnAnswerWhoseTopicAndKindAreCovered() {
        for (String q : List.of(
                "бро, замена камеры скока будет",
                "сколько стоит замена камеры для горного велика?",
                "Камераны ауыстыру қанша тұрады?",
                "how much is the replacement of an inner tube камеры pls")) {
            Answer a = ask(q, Language.RU, WORKSHOP);
            assertThat(a.text()).as(q).isEqualTo("Замена камеры — 2 000 ₸");
            assertThat(a.confidence()).as(q).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        }
        Answer tyre = ask("замена покрышки на 26 колесо сколько?", Language.RU, WORKSHOP);
        assertThat(tyre.text())
                .as("the number in the range of the row")
                .isEqualTo("Размер колеса: 24–29 дюймов — Замена покрышки: 4 000 ₸");
        assertThat(tyre.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);

        Answer until = ask("Сейсенбі күні сағат нешеге дейін жұмыс істейсіздер?", Language.KK, WORKSHOP);
        assertThat(until.text()).isEqualTo("Вторник–суббота: 10:00–19:00");
        assertThat(until.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);

        Answer opens = ask("Во сколько открываетесь во вторник?", Language.RU, WORKSHOP);
        assertThat(opens.text())
                .as("«во сколько» asks for hours, not a price")
                .isEqualTo("Вторник–суббота: 10:00–19:00");

        Answer who = ask("Тормоздарды кім жөндейді?", Language.KK, WORKSHOP);
        assertThat(who.text()).isEqualTo("Арман — колёса и тормоза, стаж 10 лет");
        assertThat(who.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void theLineInTheSectionNamedAfterTheTopicBeatsAPassingMention() {
        List<Chunk> shop = Chunker.chunk("markdown", """
                # Доставка
                - По городу — 1 500 ₸, возврат товара при доставке бесплатный
                # Возврат
                - Вернуть товар можно в течение 14 дней с чеком
                """);
        Answer back = ask("Какие условия возврата?", Language.RU, shop);
        assertThat(back.text()).isEqualTo("Вернуть товар можно в течение 14 дней с чеком");
        assertThat(back.confidence())
                .as("«условия» frames the question, it is not what it is about")
                .isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void anInternationalWordIsFoundInTheOtherScript() {
        Answer kaspi = ask(
                "Каспи принимаете?",
                Language.RU,
                List.of(new Chunk("Оплата", "- Наличные и карты Visa\n- Kaspi QR и перевод на Kaspi Gold")));
        assertThat(kaspi.text()).isEqualTo("Kaspi QR и перевод на Kaspi Gold");
        assertThat(kaspi.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
        Answer diagnostics = ask(
                "Do you do diagnostics? price?",
                Language.EN,
                List.of(new Chunk("Услуги", "- Диагностика подвески — 4 000 ₸\n- Мойка — 2 000 ₸")));
        assertThat(diagnostics.text()).isEqualTo("Диагностика подвески — 4 000 ₸");
        assertThat(diagnostics.confidence()).isGreaterThanOrEqualTo(Pipeline.CONFIDENCE_THRESHOLD);
    }

    @Test
    void anAnswerMustCoverWhatTheQuestionIsAboutNotOnlyAWordBesideIt() {
        for (String q : List.of(
                "Do you have a bike wash?",
                "Сколько стоит мойка велосипеда?",
                "Есть ли у вас вакансии для мастеров?",
                "Велосипед жалға бересіздер ме?")) {
            Answer a = ask(q, Language.RU, WORKSHOP);
            assertThat(a.confidence()).as(q).isLessThan(Pipeline.CONFIDENCE_THRESHOLD);
        }
        assertThat(ask("Сколько стоит проверка велосипеда перед покупкой?", Language.RU, WORKSHOP)
                        .text())
                .isEqualTo("Проверка перед покупкой велосипеда — 5 000 ₸");
    }

    @Test
    void theQuestionIsReadAsPhrasesWithHeadsAndQualifiers() {
        var car = ExtractiveAnswerer.asked("Do you have a car wash?");
        assertThat(car.topics()).containsExactly("car", "wash");
        assertThat(car.heads().stream().mapToObj(car.topics()::get)).containsExactly("wash");

        var ru = ExtractiveAnswerer.asked("Сколько стоит детская стрижка для собаки 30кг?");
        assertThat(ru.topics()).containsExactly("детская", "стрижка", "собаки", "30");
        assertThat(ru.heads().stream().mapToObj(ru.topics()::get)).containsExactly("стрижка", "собаки");
        assertThat(ru.qualifiers().stream().mapToObj(ru.topics()::get)).containsExactly("собаки", "30");

        var kk = ExtractiveAnswerer.asked("Шаш қию үшін қанша тұрады?");
        assertThat(kk.heads().stream().mapToObj(kk.topics()::get)).containsExactly("қию");
        assertThat(kk.qualifiers().stream().mapToObj(kk.topics()::get)).containsExactly("шаш", "қию");

        assertThat(ExtractiveAnswerer.asked("Есть ли у вас парковка?")
                        .qualifiers()
                        .isEmpty())
                .isTrue();
        assertThat(ExtractiveAnswerer.asked("До скольки вы работаете?").kinds())
                .containsExactly(ExtractiveAnswerer.Kind.HOURS);
        assertThat(ExtractiveAnswerer.asked("уақытқа").kinds()).containsExactly(ExtractiveAnswerer.Kind.HOURS);
        assertThat(ExtractiveAnswerer.asked("Ремонтные работы сколько стоят?").kinds())
                .as("a noun sharing a stem with a kind word is no kind")
                .containsExactly(ExtractiveAnswerer.Kind.PRICE);
    }

    @Test
    void numbersAreMatchedInRangesAndHyphenatedWordsWithout() {
        assertThat(ExtractiveAnswerer.inRange("Medium (10–25 kg) — 19 000 ₸", "18"))
                .isTrue();
        assertThat(ExtractiveAnswerer.inRange("Large (over 25 kg)", "30")).isTrue();
        assertThat(ExtractiveAnswerer.inRange("Small (up to 10 kg)", "30")).isFalse();
        assertThat(ExtractiveAnswerer.inRange("Tyres R17–R19 — 14 000 ₸", "17")).isTrue();
        assertThat(ExtractiveAnswerer.inRange("Phone: +7 (7172) 48-19-27", "30"))
                .isFalse();
        assertThat(ExtractiveAnswerer.tokens("Dental X-ray, R17")).contains("xray", "r", "17");
    }
}
