package io.wagw.node.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.store.webhook.RetryPlan;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy exponential =
            new RetryPolicy(RetryPolicy.Kind.EXPONENTIAL, Duration.ofSeconds(5), Duration.ofSeconds(300), 0.2);

    @Test
    void exponentialDelaysDoubleFromTheBaseUpToTheCap() {
        // random 0.5 = no jitter
        assertThat(IntStream.rangeClosed(1, 9)
                        .mapToObj(n -> exponential.delayAfter(n, 0.5).toSeconds()))
                .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
    }

    @Test
    void jitterSpreadsEachDelayByAtMostTwentyPercentAndNeverPastTheCap() {
        assertThat(exponential.delayAfter(1, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(exponential.delayAfter(1, 1.0)).isEqualTo(Duration.ofSeconds(6));
        assertThat(exponential.delayAfter(3, 0.0)).isEqualTo(Duration.ofSeconds(16));
        assertThat(exponential.delayAfter(3, 1.0)).isEqualTo(Duration.ofSeconds(24));
        assertThat(exponential.delayAfter(20, 0.0)).isEqualTo(Duration.ofSeconds(240));
        assertThat(exponential.delayAfter(20, 1.0)).isEqualTo(Duration.ofSeconds(300));
        assertThat(exponential.delayAfter(1, 0.3)).isNotEqualTo(exponential.delayAfter(1, 0.7));
    }

    @Test
    void constantAndLinearPoliciesFollowWahaNames() {
        var constant = new RetryPolicy(RetryPolicy.Kind.CONSTANT, Duration.ofSeconds(2), Duration.ofSeconds(300), 0.2);
        var linear = new RetryPolicy(RetryPolicy.Kind.LINEAR, Duration.ofSeconds(2), Duration.ofSeconds(300), 0.2);
        assertThat(IntStream.rangeClosed(1, 4)
                        .mapToObj(n -> constant.delayAfter(n, 0.5).toSeconds()))
                .containsExactly(2L, 2L, 2L, 2L);
        assertThat(IntStream.rangeClosed(1, 4)
                        .mapToObj(n -> linear.delayAfter(n, 0.5).toSeconds()))
                .containsExactly(2L, 4L, 6L, 8L);
    }

    @Test
    void aStoredPlanGetsTheDispatchersCapButNeverBelowItsOwnBase() {
        var fromPlan = RetryPolicy.of(new RetryPlan(10, "exponential", Duration.ofMillis(50)), Duration.ofMillis(200));
        assertThat(fromPlan.delayAfter(10, 0.5)).isEqualTo(Duration.ofMillis(200));
        var slowBase = RetryPolicy.of(new RetryPlan(10, "constant", Duration.ofSeconds(600)), Duration.ofSeconds(300));
        assertThat(slowBase.delayAfter(1, 0.5)).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void onlyTimeoutsRateLimitsAndServerErrorsAreRetried() {
        assertThat(RetryPolicy.shouldRetry(500)).isTrue();
        assertThat(RetryPolicy.shouldRetry(502)).isTrue();
        assertThat(RetryPolicy.shouldRetry(503)).isTrue();
        assertThat(RetryPolicy.shouldRetry(408)).isTrue();
        assertThat(RetryPolicy.shouldRetry(429)).isTrue();
        assertThat(RetryPolicy.shouldRetry(400)).isFalse();
        assertThat(RetryPolicy.shouldRetry(401)).isFalse();
        assertThat(RetryPolicy.shouldRetry(404)).isFalse();
        assertThat(RetryPolicy.shouldRetry(410)).isFalse();
        assertThat(RetryPolicy.shouldRetry(422)).isFalse();
        assertThat(RetryPolicy.shouldRetry(301))
                .as("a redirect will not change by repeating")
                .isFalse();
    }
}
