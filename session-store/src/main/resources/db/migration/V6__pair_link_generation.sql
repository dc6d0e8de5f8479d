-- Pairing links are signed over the session's row id (a session deleted and created again under the same
-- name is another incarnation) and this generation: revoking a session's links increments it.
ALTER TABLE sessions ADD COLUMN pair_generation INTEGER NOT NULL DEFAULT 0;
