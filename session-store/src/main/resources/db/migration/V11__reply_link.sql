-- A reply the message handler sends names the inbound message it answers. A message handed on again (its
-- node died after the reply went out but before the message was marked handled) is then marked handled
-- instead of answered twice.
ALTER TABLE messages ADD COLUMN in_reply_to TEXT;
CREATE INDEX messages_in_reply_to_idx ON messages (session_id, in_reply_to) WHERE in_reply_to IS NOT NULL;
