package io.wagw.store.assistant;

import io.wagw.store.Validation;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Language model calls per tenant, month, provider and model: calls, failed calls, answers served from the
 * cache, tokens and cost. Every statement filters by the tenant.
 */
public final class ModelUsage {
    /** One call, or one answer served from the cache ({@code cached}, no tokens). */
    public record Call(
            String provider, String model, boolean ok, boolean cached, long tokensIn, long tokensOut, double costUsd) {}

    /** A month's totals for one provider and model. */
    public record Row(
            String provider,
            String model,
            long calls,
            long failures,
            long cacheHits,
            long tokensIn,
            long tokensOut,
            double costUsd) {}

    private final Jdbi jdbi;

    public ModelUsage(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Adds one call to the tenant's month; an upsert, so concurrent calls add up. */
    public void add(String tenant, YearMonth month, Call c) {
        Validation.slug(tenant);
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO model_usage AS u (tenant_id, month, provider, model, calls, failures, cache_hits,
                                                      tokens_in, tokens_out, cost_usd)
                        VALUES (:t, :month, :provider, :model, :calls, :failures, :hits, :in, :out, :cost)
                        ON CONFLICT (tenant_id, month, provider, model) DO UPDATE
                           SET calls = u.calls + EXCLUDED.calls, failures = u.failures + EXCLUDED.failures,
                               cache_hits = u.cache_hits + EXCLUDED.cache_hits,
                               tokens_in = u.tokens_in + EXCLUDED.tokens_in,
                               tokens_out = u.tokens_out + EXCLUDED.tokens_out,
                               cost_usd = u.cost_usd + EXCLUDED.cost_usd
                        """)
                .bind("t", Tenant.id(h, tenant))
                .bind("month", month.atDay(1))
                .bind("provider", c.provider())
                .bind("model", c.model())
                .bind("calls", c.cached() ? 0 : 1)
                .bind("failures", c.ok() || c.cached() ? 0 : 1)
                .bind("hits", c.cached() ? 1 : 0)
                .bind("in", c.tokensIn())
                .bind("out", c.tokensOut())
                .bind("cost", BigDecimal.valueOf(c.costUsd()))
                .execute());
    }

    /** The tenant's month, by provider and model. */
    public List<Row> month(String tenant, YearMonth month) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT provider, model, calls, failures, cache_hits, tokens_in, tokens_out, cost_usd
                          FROM model_usage WHERE tenant_id = :t AND month = :month ORDER BY provider, model
                        """)
                .bind("t", Tenant.id(h, tenant))
                .bind("month", month.atDay(1))
                .map((rs, ctx) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getBigDecimal(8).doubleValue()))
                .list());
    }
}
