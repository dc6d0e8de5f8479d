package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.store.session.PairIncarnation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PairTokensTest {
    private final PairTokens tokens = new PairTokens("a pairing secret of at least 32 bytes!!".getBytes());
    private final Instant now = Instant.parse("2026-12-02T10:00:00Z");
    private final PairIncarnation current = new PairIncarnation(42, 3);

    @Test
    void aLinkWorksForItsSessionIncarnationAndGenerationUntilItExpires() {
        String t = tokens.issue("salon", current, now.plus(Duration.ofHours(24)));
        assertThat(tokens.verify("salon", current, t, now)).contains(now.plus(Duration.ofHours(24)));
        assertThat(tokens.verify("salon", current, t, now.plus(Duration.ofHours(25))))
                .as("expired")
                .isEmpty();
        assertThat(tokens.verify("other", current, t, now))
                .as("another session")
                .isEmpty();
        assertThat(tokens.verify("salon", new PairIncarnation(43, 3), t, now))
                .as("the name created again")
                .isEmpty();
        assertThat(tokens.verify("salon", new PairIncarnation(42, 4), t, now))
                .as("revoked")
                .isEmpty();
    }

    @Test
    void aLinkThatClaimsToLiveLongerThanTheCapIsRefused() {
        String century = tokens.issue("salon", current, now.plus(Duration.ofDays(36_500)));
        assertThat(tokens.verify("salon", current, century, now)).isEmpty();
        String justInside = tokens.issue("salon", current, now.plus(PairTokens.MAX_LIFETIME));
        assertThat(tokens.verify("salon", current, justInside, now)).isPresent();
    }

    @Test
    void garbageIsRefused() {
        for (String bad : new String[] {null, "", ".", "123.", "x.y", "9".repeat(30) + ".abc", "1.".repeat(200)}) {
            assertThat(tokens.verify("salon", current, bad, now))
                    .as(String.valueOf(bad))
                    .isEmpty();
        }
    }
}
