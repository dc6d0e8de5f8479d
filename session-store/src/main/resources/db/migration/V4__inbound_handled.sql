-- An inbound message is stored before the message handler sees it and marked handled once the handler's
-- replies went out. A session that moves, or a node that dies, can leave stored messages unanswered; the
-- next owner hands those on when the session works again.
ALTER TABLE messages ADD COLUMN handled_at TIMESTAMPTZ;
UPDATE messages SET handled_at = created_at WHERE direction = 'in';
CREATE INDEX messages_unhandled_idx ON messages (session_id, id) WHERE direction = 'in' AND handled_at IS NULL;
