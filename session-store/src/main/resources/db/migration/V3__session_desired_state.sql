-- Whether a session should run (set by start/stop requests), so that sessions come back by themselves after a
-- node or the whole cluster restarts.
ALTER TABLE sessions ADD COLUMN desired_running BOOLEAN NOT NULL DEFAULT false;

-- The node that held a session's lease last (kept after release), so a standalone node resumes its own sessions.
ALTER TABLE session_leases ADD COLUMN last_owner TEXT;
UPDATE session_leases SET last_owner = owner_node WHERE owner_node IS NOT NULL;
