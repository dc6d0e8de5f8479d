-- Durable outbox of webhook deliveries: one row per (event, webhook). A row carries everything its
-- delivery needs (URL, exact body, signing key, headers, retry plan), so it can be sent by any node
-- even after the session's configuration changed or the webhook was removed.
--
-- Life of a row: pending → delivering (claimed by a node until claim_expires_at) → delivered, or back
-- to pending with a later next_attempt_at, or dead after the last attempt. A claim that expires (its
-- node died) makes the row claimable again.

CREATE TABLE webhook_deliveries (
    id               BIGSERIAL PRIMARY KEY,
    session_id       BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    url              TEXT        NOT NULL CHECK (url ~ '^https?://'),
    event            TEXT        NOT NULL,
    request_id       TEXT        NOT NULL UNIQUE,
    body             TEXT        NOT NULL,
    -- Snapshot of config.webhooks[i].hmac.key at enqueue time (the same secret the session config
    -- already holds); NULL when the webhook is not signed.
    hmac_key         TEXT,
    headers          JSONB       NOT NULL DEFAULT '[]'::jsonb,
    attempts         INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     INTEGER     NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
    retry_policy     TEXT        NOT NULL CHECK (retry_policy IN ('constant', 'linear', 'exponential')),
    retry_delay_ms   BIGINT      NOT NULL CHECK (retry_delay_ms > 0),
    status           TEXT        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    claimed_by       TEXT,
    claim_token      UUID,
    claim_expires_at TIMESTAMPTZ,
    last_error       TEXT,
    last_http_status INTEGER,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    delivered_at     TIMESTAMPTZ,
    CHECK ((status = 'delivering') = (claim_token IS NOT NULL AND claim_expires_at IS NOT NULL))
);

-- Unfinished rows only: the due scan and the "is an earlier row to this webhook unfinished?" check.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status IN ('pending', 'delivering');
CREATE INDEX webhook_deliveries_fifo_idx ON webhook_deliveries (session_id, url, id)
    WHERE status IN ('pending', 'delivering');
-- Visibility per session (dead letters first of all) and purging of old delivered rows.
CREATE INDEX webhook_deliveries_session_idx ON webhook_deliveries (session_id, status, id DESC);
CREATE INDEX webhook_deliveries_delivered_idx ON webhook_deliveries (delivered_at) WHERE status = 'delivered';
