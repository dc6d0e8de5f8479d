package io.wagw.store.console;

import io.wagw.store.apikey.ApiKey;
import java.time.Instant;

/**
 * A web console sign-in: who signed in (the scope of the API key they presented) until when.
 *
 * @param session  the session a session key is limited to, or null
 * @param tenant   the tenant a tenant key is limited to, or null
 * @param apiKeyId the stored key signed in with; null for the node's admin key
 * @param csrf     the token every change made with this sign-in must carry
 */
public record ConsoleSignIn(
        ApiKey.Scope scope, String session, String tenant, Long apiKeyId, String csrf, Instant expiresAt) {}
