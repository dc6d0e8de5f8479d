package io.wagw.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pure pieces of pacing: the send rate limit and the restart backoff. */
class PacingTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstIsAllowedThenSendsAreSpacedAtTheRate() {
        var limit = new RateLimit(20, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(limit.waitNanos(0)).isZero();
            limit.take(0);
        }
        assertThat(limit.waitNanos(0)).isEqualTo(3 * SECOND); // 20 per minute = one every 3 s
        assertThat(limit.waitNanos(3 * SECOND)).isZero();
        limit.take(3 * SECOND);
        assertThat(limit.waitNanos(3 * SECOND)).isEqualTo(3 * SECOND);
        assertThatThrownBy(() -> limit.take(3 * SECOND)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void savedUpTokensNeverExceedTheBurst() {
        var limit = new RateLimit(60, 2, 0);
        limit.take(0);
        limit.take(0);
        long later = 3600 * SECOND;
        limit.take(later);
        limit.take(later);
        assertThat(limit.waitNanos(later))
                .as("only the burst was saved up in an hour")
                .isPositive();
    }

    @Test
    void restartDelaysGrowExponentiallyWithJitterAndACap() {
        Duration base = Duration.ofSeconds(2);
        Duration max = Duration.ofMinutes(2);
        assertThat(Backoff.delay(0, base, max, 0.5)).isZero();
        assertThat(Backoff.delay(1, base, max, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.delay(3, base, max, 0.5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(Backoff.delay(3, base, max, 0.0)).isEqualTo(Duration.ofMillis(6400));
        assertThat(Backoff.delay(3, base, max, 1.0)).isEqualTo(Duration.ofMillis(9600));
        assertThat(Backoff.delay(30, base, max, 1.0)).isEqualTo(max);
        assertThat(Backoff.delay(60, base, max, 0.0)).isLessThanOrEqualTo(max);
    }
}
