package io.wagw.store.usage;

import java.time.YearMonth;

/** A tenant's usage in one calendar month (UTC). */
public record UsageCounters(
        String tenant, YearMonth month, long messagesIn, long messagesOut, long llmTokensIn, long llmTokensOut) {

    /** An increment to apply; all parts must be non-negative. */
    public record Delta(long messagesIn, long messagesOut, long llmTokensIn, long llmTokensOut) {
        public static Delta inbound(long n) {
            return new Delta(n, 0, 0, 0);
        }

        public static Delta outbound(long n) {
            return new Delta(0, n, 0, 0);
        }

        public static Delta tokens(long in, long out) {
            return new Delta(0, 0, in, out);
        }
    }
}
