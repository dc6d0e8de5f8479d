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
                        new Chunk("Prices > Hair", "* Haircut — 8000 KZT\n(washing included)"),
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
}
