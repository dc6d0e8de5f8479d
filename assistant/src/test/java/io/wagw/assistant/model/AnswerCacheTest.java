package io.wagw.assistant.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.assistant.pipeline.Answerer.Answer;
import io.wagw.assistant.pipeline.ReplyKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerCacheTest {
    private static final AnswerCache.Generation G1 = new AnswerCache.Generation(1, 1, "settings");
    private static final Answer A = new Answer("12 000 ₸", ReplyKind.MODEL, 0.9, List.of("Prices"), 10, 5, 0.001);

    @Test
    void answersAreKeptPerTenantAndGenerationAndBoundedLeastRecentlyUsedFirst() {
        var cache = new AnswerCache(2, 2);
        cache.put("a", G1, "q1", A);
        cache.put("a", G1, "q2", A);
        assertThat(cache.get("a", G1, "q1")).contains(A); // q1 now the most recently used
        cache.put("a", G1, "q3", A);
        assertThat(cache.get("a", G1, "q2")).isEmpty();
        assertThat(cache.size("a")).isEqualTo(2);
        assertThat(cache.get("b", G1, "q1")).isEmpty();

        cache.put("b", G1, "q1", A);
        cache.put("c", G1, "q1", A); // a third tenant: the least recently used one (a) goes
        assertThat(cache.size("a")).isZero();
        assertThat(cache.get("b", G1, "q1")).contains(A);
    }

    @Test
    void anotherGenerationOrAnInvalidationEmptiesTheTenant() {
        var cache = new AnswerCache(10, 10);
        cache.put("a", G1, "q1", A);
        cache.put("b", G1, "q1", A);

        assertThat(cache.get("a", new AnswerCache.Generation(2, 1, "settings"), "q1"))
                .isEmpty();
        assertThat(cache.get("a", G1, "q1")).isEmpty();

        cache.invalidate("b");
        assertThat(cache.get("b", G1, "q1")).isEmpty();
    }
}
