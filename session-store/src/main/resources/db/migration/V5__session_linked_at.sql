-- When the session's WhatsApp number was linked (a QR scan or pairing code). A session that reconnects
-- reconciles the messages its page holds with the store, but never reaches back before this moment: the
-- history WhatsApp syncs to a newly linked device was never meant for the assistant.
ALTER TABLE sessions ADD COLUMN linked_at TIMESTAMPTZ;
-- Sessions linked before this column existed: their last change is a safe (late) bound.
UPDATE sessions SET linked_at = updated_at WHERE me_id IS NOT NULL;
