-- API keys limited to one tenant: a business owner's key sees and changes only its own sessions, settings,
-- customers and escalations.
ALTER TABLE api_keys ADD COLUMN tenant_id BIGINT REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('admin', 'session', 'tenant'));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_target_check CHECK (
    (scope = 'admin' AND session_id IS NULL AND tenant_id IS NULL)
    OR (scope = 'session' AND session_id IS NOT NULL AND tenant_id IS NULL)
    OR (scope = 'tenant' AND session_id IS NULL AND tenant_id IS NOT NULL));
