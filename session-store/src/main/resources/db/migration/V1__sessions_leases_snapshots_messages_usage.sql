-- Foundation schema: tenants, their WhatsApp sessions, API keys, session leases (fencing epochs),
-- encrypted auth snapshots, messages and monthly usage counters.

CREATE TABLE tenants (
    id           BIGSERIAL PRIMARY KEY,
    slug         TEXT        NOT NULL UNIQUE,
    display_name TEXT        NOT NULL,
    status       TEXT        NOT NULL DEFAULT 'onboarding'
                 CHECK (status IN ('onboarding', 'active', 'suspended', 'deleted')),
    plan         TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE sessions (
    id            BIGSERIAL PRIMARY KEY,
    tenant_id     BIGINT      NOT NULL REFERENCES tenants (id),
    name          TEXT        NOT NULL UNIQUE,
    status        TEXT        NOT NULL DEFAULT 'STOPPED'
                  CHECK (status IN ('STOPPED', 'STARTING', 'SCAN_QR_CODE', 'WORKING', 'FAILED')),
    status_reason TEXT,
    config        JSONB       NOT NULL DEFAULT '{}'::jsonb,
    me_id         TEXT,
    me_push_name  TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sessions_tenant_idx ON sessions (tenant_id);

CREATE TABLE api_keys (
    id          BIGSERIAL PRIMARY KEY,
    key_hash    TEXT        NOT NULL UNIQUE,
    key_prefix  TEXT        NOT NULL,
    scope       TEXT        NOT NULL CHECK (scope IN ('admin', 'session')),
    session_id  BIGINT      REFERENCES sessions (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    revoked_at  TIMESTAMPTZ,
    CHECK ((scope = 'admin') = (session_id IS NULL))
);

-- One row per session that was ever leased. owner_node is NULL once released; the epoch only grows.
CREATE TABLE session_leases (
    session_id  BIGINT      PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    owner_node  TEXT,
    epoch       BIGINT      NOT NULL CHECK (epoch > 0),
    acquired_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE auth_snapshots (
    id         BIGSERIAL PRIMARY KEY,
    session_id BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    epoch      BIGINT      NOT NULL,
    ciphertext BYTEA       NOT NULL,
    nonce      BYTEA       NOT NULL,
    key_id     TEXT        NOT NULL,
    size       INTEGER     NOT NULL CHECK (size >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX auth_snapshots_session_idx ON auth_snapshots (session_id, id DESC);

CREATE TABLE messages (
    id            BIGSERIAL PRIMARY KEY,
    session_id    BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    chat_id       TEXT        NOT NULL,
    direction     TEXT        NOT NULL CHECK (direction IN ('in', 'out')),
    wa_message_id TEXT,
    body          TEXT        NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('received', 'pending', 'sent', 'failed')),
    ack           SMALLINT    NOT NULL DEFAULT 0 CHECK (ack BETWEEN -1 AND 4),
    epoch         BIGINT,
    error         TEXT,
    wa_timestamp  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (session_id, wa_message_id)
);
CREATE INDEX messages_chat_idx ON messages (session_id, chat_id, id DESC);

CREATE TABLE usage_counters (
    tenant_id          BIGINT NOT NULL REFERENCES tenants (id),
    month              DATE   NOT NULL CHECK (extract(day FROM month) = 1),
    messages_in        BIGINT NOT NULL DEFAULT 0,
    messages_out       BIGINT NOT NULL DEFAULT 0,
    llm_tokens_in      BIGINT NOT NULL DEFAULT 0,
    llm_tokens_out     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month)
);
