package io.wagw.assistant.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.assistant.knowledge.Chunker.QaPair;
import io.wagw.store.assistant.Knowledge.Chunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    @Test
    void markdownIsSplitAlongHeadingsAndEachChunkKeepsItsHeadingPath() {
        List<Chunk> chunks = Chunker.chunk("markdown", """
                Salon Aida, Almaty.

                # Prices
                ## Nails
                - Manicure — 5000 KZT
                - Pedicure — 7000 KZT

                ## Hair
                * Haircut — 8000 KZT
                  (washing included)

                # Opening hours
                Mon–Sat: 10:00–20:00
                Sunday: closed
                """);
        assertThat(chunks)
                .containsExactly(
                        new Chunk("", "Salon Aida, Almaty."),
                        new Chunk("Prices > Nails", "- Manicure — 5000 KZT\n- Pedicure — 7000 KZT"),
                        new Chunk("Prices > Hair", "* Haircut — 8000 KZT (washing included)"),
                        new Chunk("Opening hours", "Mon–Sat: 10:00–20:00\nSunday: closed"));
    }

    @Test
    void aSkippedLevelAndSetextHeadingsKeepAPathWithoutGaps() {
        List<Chunk> chunks = Chunker.chunk("markdown", """
                Цены
                ====
                ### Ногти **и** руки ###
                1. Маникюр — 5000 тг

                Услуги
                ------
                Стрижка
                """);
        assertThat(chunks)
                .containsExactly(
                        new Chunk("Цены > Ногти и руки", "1. Маникюр — 5000 тг"),
                        new Chunk("Цены > Услуги", "Стрижка"));
    }

    @Test
    void plainTextTakesShortLinesEndingInAColonAsHeadings() {
        List<Chunk> chunks = Chunker.chunk("text", """
                Prices:
                Manicure 5000
                Pedicure 7000

                Address:
                Abay avenue 10
                """);
        assertThat(chunks)
                .containsExactly(
                        new Chunk("Prices", "Manicure 5000\nPedicure 7000"), new Chunk("Address", "Abay avenue 10"));
        assertThat(Chunker.chunk("markdown", "# Only a heading\n\n")).isEmpty();
    }

    @Test
    void aLongSectionIsSplitBetweenItemsAndALongParagraphBetweenSentences() {
        var md = new StringBuilder("# Services\n");
        for (int i = 0; i < 60; i++) {
            md.append("- Service number ").append(i).append(" with a description of some length\n");
        }
        List<Chunk> chunks = Chunker.chunk("markdown", md.toString());
        assertThat(chunks.size()).isGreaterThan(2);
        assertThat(chunks).allMatch(c -> c.text().length() <= Chunker.MAX_CHARS);
        assertThat(chunks).allMatch(c -> c.headingPath().equals("Services"));
        assertThat(chunks).allMatch(c -> c.text().startsWith("- Service number "));
        assertThat(String.join("\n", chunks.stream().map(Chunk::text).toList()))
                .as("nothing lost")
                .isEqualTo(md.substring("# Services\n".length()).strip());

        String paragraph =
                "This is a sentence of the long paragraph. ".repeat(60).strip();
        List<Chunk> cut = Chunker.chunk("text", paragraph);
        assertThat(cut.size()).isGreaterThan(1);
        assertThat(cut)
                .allMatch(
                        c -> c.text().length() <= Chunker.MAX_CHARS && c.text().endsWith("."));

        List<Chunk> word = Chunker.chunk("text", "x".repeat(2000));
        assertThat(word).extracting(c -> c.text().length()).containsExactly(800, 800, 400);
    }

    @Test
    void eachQuestionAndAnswerPairIsAChunkUnderItsQuestion() {
        List<Chunk> chunks = Chunker.qa(List.of(
                new QaPair("Do you work on Sundays?", "No, Sunday is our day off."),
                new QaPair("  ", "ignored"),
                new QaPair("Сколько стоит\nманикюр?", "5000 тг")));
        assertThat(chunks)
                .containsExactly(
                        new Chunk("Do you work on Sundays?", "No, Sunday is our day off."),
                        new Chunk("Сколько стоит маникюр?", "5000 тг"));
    }

    @Test
    void aFaqQuestionLineBecomesTheHeadingOfItsAnswer() {
        List<Chunk> chunks = Chunker.chunk("markdown", """
                # Cafe Lotus
                ## FAQ
                **Do you have vegan dishes?**
                Yes, about a third of the menu,
                marked with a leaf.

                *Можно прийти с ребёнком?*

                Да, есть детские стулья.

                Is there Wi-Fi?
                Yes, the password is on the menu.

                ## Delivery
                Q: Do you deliver at night?
                A: Until 23:00 only.
                """);
        assertThat(chunks)
                .containsExactly(
                        new Chunk(
                                "Cafe Lotus > FAQ > Do you have vegan dishes?",
                                "Yes, about a third of the menu, marked with a leaf."),
                        new Chunk("Cafe Lotus > FAQ > Можно прийти с ребёнком?", "Да, есть детские стулья."),
                        new Chunk("Cafe Lotus > FAQ > Is there Wi-Fi?", "Yes, the password is on the menu."),
                        new Chunk("Cafe Lotus > Delivery > Do you deliver at night?", "Until 23:00 only."));

        assertThat(Chunker.chunk("text", "Do you work on Sundays?\nNo, Sunday is our day off.\n"))
                .containsExactly(new Chunk("Do you work on Sundays?", "No, Sunday is our day off."));
        assertThat(Chunker.chunk("markdown", """
                # Questions we get
                **Do you deliver?**
                **Do you take cards?**
                """))
                .as("a list of questions without answers stays text")
                .hasSize(1);
    }

    @Test
    void proseWrappedAtAWidthIsJoinedIntoOneLineAndLinePerFactTextIsNot() {
        List<Chunk> chunks = Chunker.chunk("markdown", """
                # About
                We are a small bakery in the old town, baking everything on site every morning from
                five o'clock, with flour from a mill near Almaty: bread, pastry and cakes. Orders are taken
                three days ahead.
                Mon–Fri: 07:00–19:00
                Sat: 08:00–15:00
                Phone: +7 700 000 00 00
                Instagram: @bakery
                - Sourdough bread — 1 200 ₸, baked twice a day, best before
                  the next evening
                - Croissant — 600 ₸
                """);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).text().lines().toList())
                .containsExactly(
                        "We are a small bakery in the old town, baking everything on site every morning from five o'clock,"
                                + " with flour from a mill near Almaty: bread, pastry and cakes. Orders are taken three days ahead.",
                        "Mon–Fri: 07:00–19:00",
                        "Sat: 08:00–15:00",
                        "Phone: +7 700 000 00 00",
                        "Instagram: @bakery",
                        "- Sourdough bread — 1 200 ₸, baked twice a day, best before the next evening",
                        "- Croissant — 600 ₸");
        assertThat(Chunker.continues("Мы чиним велосипеды, самокаты", "и коляски: быстро и недорого.", false))
                .as("a wrapped line with a colon in it is no label")
                .isTrue();
        assertThat(Chunker.continues(
                        "Pick-up and delivery inside the city, every day of the week", "Phone: +7 700", false))
                .isFalse();
        assertThat(Chunker.continues("Pick-up and delivery inside the city, every day of the week.", "We also", false))
                .as("a full stop ends a unit")
                .isFalse();
    }

    @Test
    void aTableRowIsALineThatNamesItsColumns() {
        List<Chunk> chunks = Chunker.chunk("markdown", """
                # Room rates
                | Room | Weekday | **Weekend** |
                |:-----|------:|---|
                | Single (1 guest) | 20 000 ₸ | 25 000 ₸ |
                | Double | 30 000 ₸ | |

                | no header | row |
                """);
        assertThat(chunks)
                .containsExactly(new Chunk(
                        "Room rates",
                        "- Room: Single (1 guest) — Weekday: 20 000 ₸; Weekend: 25 000 ₸\n- Room: Double — Weekday: 30 000 ₸\n"
                                + "- no header — row"));
    }
}
