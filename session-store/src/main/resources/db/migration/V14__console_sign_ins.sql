-- Web console sign-ins: an API key exchanged for a cookie. Kept in the shared database so that the cookie is
-- valid on every node of a cluster (the console's calls land on any node). Only the SHA-256 of the cookie is
-- stored; the CSRF token is sent back on every change the console makes. A sign-in made with a stored key ends
-- with that key (revoked keys are checked at every use, deleted keys take their sign-ins along).
CREATE TABLE console_sign_ins (
    token_hash   TEXT        PRIMARY KEY,
    scope        TEXT        NOT NULL CHECK (scope IN ('admin', 'session', 'tenant')),
    session_name TEXT,
    tenant_slug  TEXT,
    api_key_id   BIGINT      REFERENCES api_keys (id) ON DELETE CASCADE,
    csrf_token   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    expires_at   TIMESTAMPTZ NOT NULL,
    CHECK ((scope = 'session') = (session_name IS NOT NULL)),
    CHECK ((scope = 'tenant') = (tenant_slug IS NOT NULL))
);
CREATE INDEX console_sign_ins_expires_idx ON console_sign_ins (expires_at);
