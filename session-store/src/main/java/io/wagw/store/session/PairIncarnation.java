package io.wagw.store.session;

/**
 * What a pairing link is signed over besides the session's name: the row id (a session deleted and created
 * again under the same name is another incarnation) and the generation that revoking its links increments.
 */
public record PairIncarnation(long sessionId, int generation) {}
