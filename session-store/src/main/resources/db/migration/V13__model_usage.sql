-- Language model calls per tenant, month, provider and model: what the tenant's usage shows. One row per
-- combination, added to on every call (a call takes seconds, so one row per model is no hot spot). Unlike
-- assistant_months, which counts the tokens of the answers sent, this counts every call: failed ones, the
-- owner's tries through /assistant/ask, and answers served from the cache (cache_hits, no tokens).
CREATE TABLE model_usage (
    tenant_id  BIGINT         NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    month      DATE           NOT NULL,
    provider   TEXT           NOT NULL,
    model      TEXT           NOT NULL,
    calls      BIGINT         NOT NULL DEFAULT 0,
    failures   BIGINT         NOT NULL DEFAULT 0,
    cache_hits BIGINT         NOT NULL DEFAULT 0,
    tokens_in  BIGINT         NOT NULL DEFAULT 0,
    tokens_out BIGINT         NOT NULL DEFAULT 0,
    cost_usd   NUMERIC(14, 6) NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month, provider, model)
);
