package io.wagw.assistant.pipeline;

import java.util.Locale;

/** How a reply was made; shown with each message and counted in the metrics. */
public enum ReplyKind {
    /** a greeting, thanks or tenant pattern, before any model */
    QUICK,
    /** taken from the tenant's knowledge without a model */
    KNOWLEDGE,
    /** written by a language model from the tenant's knowledge */
    MODEL,
    /** one of the tenant's templates */
    TEMPLATE,
    /** written by a person */
    HUMAN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
