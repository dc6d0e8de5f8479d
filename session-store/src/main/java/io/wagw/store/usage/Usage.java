package io.wagw.store.usage;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.time.YearMonth;
import org.jdbi.v3.core.Jdbi;

/** Monthly usage counters per tenant (messages in and out, LLM tokens), for quotas and billing. */
public final class Usage {
    private final Jdbi jdbi;

    public Usage(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void add(String tenant, YearMonth month, UsageCounters.Delta delta) {
        Validation.slug(tenant);
        if (month == null) {
            throw new StoreException.InvalidInput("month", "month is required");
        }
        if (delta.messagesIn() < 0 || delta.messagesOut() < 0 || delta.llmTokensIn() < 0 || delta.llmTokensOut() < 0) {
            throw new StoreException.InvalidInput("delta", "usage increments must not be negative");
        }
        int rows = jdbi.withExtension(
                UsageDao.class,
                dao -> dao.add(
                        tenant,
                        month.atDay(1),
                        delta.messagesIn(),
                        delta.messagesOut(),
                        delta.llmTokensIn(),
                        delta.llmTokensOut()));
        if (rows == 0) {
            throw new StoreException.NotFound("tenant", "unknown tenant '%s'".formatted(tenant));
        }
    }

    public UsageCounters get(String tenant, YearMonth month) {
        Validation.slug(tenant);
        return jdbi.inTransaction(h -> {
            var row = h.attach(UsageDao.class).get(tenant, month.atDay(1));
            if (row.isEmpty()) {
                h.createQuery("SELECT id FROM tenants WHERE slug = :slug")
                        .bind("slug", tenant)
                        .mapTo(Long.class)
                        .findOne()
                        .orElseThrow(
                                () -> new StoreException.NotFound("tenant", "unknown tenant '%s'".formatted(tenant)));
            }
            var r = row.orElse(new UsageDao.Row(0, 0, 0, 0));
            return new UsageCounters(tenant, month, r.messagesIn(), r.messagesOut(), r.llmTokensIn(), r.llmTokensOut());
        });
    }
}
