package io.wagw.assistant.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummariesTest {
    @Test
    void theSummaryListsTheCustomersQuestionsNewestFirstWithinTheCap() {
        String s = Summaries.extractive(List.of(
                "Hello! How much is a manicure?", "ok", "Do you work on Sunday? I can only come then.", "thanks"));
        assertThat(s).isEqualTo("Asked: Do you work on Sunday?; How much is a manicure?");
        String long_ = Summaries.extractive(List.of("Is it " + "very ".repeat(100) + "long?", "Short one?"));
        assertThat(long_.length()).isLessThanOrEqualTo(Summaries.MAX_CHARS);
        assertThat(long_).startsWith("Asked: Short one?");
    }

    @Test
    void withoutQuestionsItKeepsTheLongestMessagesAndWithNothingToSayNone() {
        assertThat(Summaries.extractive(List.of("I want to book a pedicure for Friday", "ok", "see you")))
                .isEqualTo("Wrote: I want to book a pedicure for Friday; see you");
        assertThat(Summaries.extractive(List.of("ok", "👍"))).isNull();
    }
}
