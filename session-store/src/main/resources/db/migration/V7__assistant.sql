-- The assistant's data: each tenant's settings, its customers' memory, the state of each chat (takeover,
-- quiet-hours and quota notices, escalation cooldown), escalations, the assistant's monthly counters, the
-- decision taken for each inbound message, and messages waiting for opening time.

CREATE TABLE tenant_settings (
    tenant_id  BIGINT      PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    settings   JSONB       NOT NULL,
    version    BIGINT      NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE customers (
    tenant_id        BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    phone            TEXT        NOT NULL,
    push_name        TEXT,
    language         TEXT,
    first_contact_at TIMESTAMPTZ NOT NULL,
    last_contact_at  TIMESTAMPTZ NOT NULL,
    message_count    BIGINT      NOT NULL DEFAULT 0,
    opted_out        BOOLEAN     NOT NULL DEFAULT FALSE,
    rate_notice_at   TIMESTAMPTZ,
    notes            JSONB       NOT NULL DEFAULT '[]'::jsonb,
    summary          TEXT,
    PRIMARY KEY (tenant_id, phone)
);

CREATE TABLE chat_states (
    tenant_id          BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    chat_id            TEXT        NOT NULL,
    paused_until       TIMESTAMPTZ,
    quiet_notice_night DATE,
    quota_notice_on    DATE,
    last_escalation_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, chat_id)
);

CREATE TABLE escalations (
    id             BIGSERIAL   PRIMARY KEY,
    tenant_id      BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_name   TEXT        NOT NULL,
    chat_id        TEXT        NOT NULL,
    customer_phone TEXT,
    reason         TEXT        NOT NULL,
    summary        TEXT        NOT NULL,
    status         TEXT        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    resolved_at    TIMESTAMPTZ
);
CREATE INDEX escalations_tenant_idx ON escalations (tenant_id, status, id DESC);

-- Counted in a few rows per tenant and month (shard = a hash of the chat), summed when read: one row would
-- put every message of a busy tenant behind the previous one's commit.
CREATE TABLE assistant_months (
    tenant_id        BIGINT         NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    month            DATE           NOT NULL,
    shard            SMALLINT       NOT NULL,
    answers          BIGINT         NOT NULL DEFAULT 0,
    escalations      BIGINT         NOT NULL DEFAULT 0,
    tokens_in        BIGINT         NOT NULL DEFAULT 0,
    tokens_out       BIGINT         NOT NULL DEFAULT 0,
    cost_usd         NUMERIC(12, 6) NOT NULL DEFAULT 0,
    alert_sent_at    TIMESTAMPTZ,
    limit_noticed_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, month, shard)
);

-- One row per inbound message the pipeline decided on: a message handed on again (after a crash or a
-- move) finds its decision and does not count or escalate twice.
CREATE TABLE assistant_turns (
    session_id    BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    wa_message_id TEXT        NOT NULL,
    chat_id       TEXT        NOT NULL,
    step          TEXT        NOT NULL,
    reply_kind    TEXT,
    language      TEXT,
    escalation_id BIGINT      REFERENCES escalations (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (session_id, wa_message_id)
);

-- Messages that wait for the business to open (quiet hours with behaviour 'queue').
CREATE TABLE deferred_messages (
    session_id    BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    wa_message_id TEXT        NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, wa_message_id)
);
CREATE INDEX deferred_messages_due_idx ON deferred_messages (due_at);
