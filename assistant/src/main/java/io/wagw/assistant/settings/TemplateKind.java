package io.wagw.assistant.settings;

import java.util.Optional;

/** The fixed texts a tenant can word its own way; each has a default in every language. */
public enum TemplateKind {
    GREETING("greeting"),
    THANKS("thanks"),
    FALLBACK("fallback"),
    QUIET_HOURS("quietHours"),
    QUOTA_REACHED("quotaReached"),
    RATE_LIMITED("rateLimited"),
    ESCALATION_ACK("escalationAck"),
    OPT_OUT_ACK("optOutAck"),
    OPT_IN_ACK("optInAck");

    private final String key;

    TemplateKind(String key) {
        this.key = key;
    }

    /** The name in the settings' {@code templates} object. */
    public String key() {
        return key;
    }

    public static Optional<TemplateKind> fromKey(String key) {
        for (TemplateKind k : values()) {
            if (k.key.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
