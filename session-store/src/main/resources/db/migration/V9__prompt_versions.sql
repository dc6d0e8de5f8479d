-- Each tenant's assistant prompt in versions (system prompt, model, temperature), numbered from 1 per tenant,
-- never changed once created; and the history of which version was active when: exactly one activation per
-- tenant has no end while the tenant has any version.

CREATE TABLE prompt_versions (
    id            BIGSERIAL   PRIMARY KEY,
    tenant_id     BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version       INT         NOT NULL CHECK (version >= 1),
    system_prompt TEXT        NOT NULL,
    model         TEXT        NOT NULL,
    temperature   NUMERIC     NOT NULL CHECK (temperature >= 0 AND temperature <= 2),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (tenant_id, version)
);

CREATE TABLE prompt_activations (
    id                BIGSERIAL   PRIMARY KEY,
    tenant_id         BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    prompt_version_id BIGINT      NOT NULL REFERENCES prompt_versions (id) ON DELETE CASCADE,
    activated_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    deactivated_at    TIMESTAMPTZ,
    CHECK (deactivated_at IS NULL OR deactivated_at >= activated_at)
);
CREATE INDEX prompt_activations_tenant_idx ON prompt_activations (tenant_id, id DESC);
-- At most one open activation per tenant, whatever races.
CREATE UNIQUE INDEX prompt_activations_one_active_idx ON prompt_activations (tenant_id) WHERE deactivated_at IS NULL;
