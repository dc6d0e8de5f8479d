package io.wagw.router.rebalance;

import java.time.Duration;
import java.time.Instant;

/** A clock the test moves by hand. */
final class FakeClock {
    private Instant now = Instant.parse("2025-03-01T10:00:00Z");

    Instant now() {
        return now;
    }

    Instant advance(Duration by) {
        now = now.plus(by);
        return now;
    }
}
