-- Each tenant's knowledge in versions: the source text as uploaded (Markdown, plain text or question-answer
-- pairs as JSON), numbered from 1 per tenant, never changed once created; exactly one version per tenant is
-- active. Each version's chunks are kept with it, so that restoring an older version needs no re-chunking.
-- Chunks are searched by full text in three configurations (Russian and English stemming, and 'simple' for
-- Kazakh and anything else) and by trigram similarity for misspellings.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE knowledge_versions (
    id         BIGSERIAL   PRIMARY KEY,
    tenant_id  BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version    INT         NOT NULL CHECK (version >= 1),
    format     TEXT        NOT NULL CHECK (format IN ('markdown', 'text', 'qa')),
    source     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    active     BOOLEAN     NOT NULL DEFAULT FALSE,
    UNIQUE (tenant_id, version)
);
-- At most one active version per tenant, whatever races.
CREATE UNIQUE INDEX knowledge_versions_one_active_idx ON knowledge_versions (tenant_id) WHERE active;

CREATE TABLE knowledge_chunks (
    id           BIGSERIAL PRIMARY KEY,
    tenant_id    BIGINT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version_id   BIGINT    NOT NULL REFERENCES knowledge_versions (id) ON DELETE CASCADE,
    ordinal      INT       NOT NULL CHECK (ordinal >= 0),
    heading_path TEXT      NOT NULL DEFAULT '',
    text         TEXT      NOT NULL,
    tsv_russian  TSVECTOR  GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, heading_path || E'\n' || text)) STORED,
    tsv_english  TSVECTOR  GENERATED ALWAYS AS (to_tsvector('english'::regconfig, heading_path || E'\n' || text)) STORED,
    tsv_simple   TSVECTOR  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, heading_path || E'\n' || text)) STORED,
    UNIQUE (version_id, ordinal)
);
CREATE INDEX knowledge_chunks_tenant_idx ON knowledge_chunks (tenant_id, version_id);
CREATE INDEX knowledge_chunks_russian_idx ON knowledge_chunks USING GIN (tsv_russian);
CREATE INDEX knowledge_chunks_english_idx ON knowledge_chunks USING GIN (tsv_english);
CREATE INDEX knowledge_chunks_simple_idx ON knowledge_chunks USING GIN (tsv_simple);
CREATE INDEX knowledge_chunks_trgm_idx ON knowledge_chunks USING GIN (text gin_trgm_ops);
