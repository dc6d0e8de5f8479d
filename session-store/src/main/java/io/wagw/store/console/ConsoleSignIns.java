package io.wagw.store.console;

import io.wagw.store.apikey.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Console sign-ins, shared by every node: created with a random cookie token (only its hash is stored),
 * found by that token while unexpired and while the key it was made with is not revoked, ended on sign-out.
 */
public final class ConsoleSignIns {
    /** A new sign-in: the cookie's plaintext token (shown once) and what it stands for. */
    public record Created(String token, ConsoleSignIn signIn) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Jdbi jdbi;

    public ConsoleSignIns(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Signs in for {@code ttl}; expired sign-ins are deleted on the way. */
    public Created create(ApiKey.Scope scope, String session, String tenant, Long apiKeyId, Duration ttl) {
        String token = random();
        var signIn = new ConsoleSignIn(
                scope, session, tenant, apiKeyId, random(), Instant.now().plus(ttl));
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM console_sign_ins WHERE expires_at < clock_timestamp()")
                    .execute();
            h.createUpdate("""
                            INSERT INTO console_sign_ins
                                   (token_hash, scope, session_name, tenant_slug, api_key_id, csrf_token, expires_at)
                            VALUES (:hash, :scope, :session, :tenant, :key, :csrf, :expires)
                            """)
                    .bind("hash", hash(token))
                    .bind("scope", scope)
                    .bind("session", session)
                    .bind("tenant", tenant)
                    .bind("key", apiKeyId)
                    .bind("csrf", signIn.csrf())
                    .bind("expires", Timestamp.from(signIn.expiresAt()))
                    .execute();
        });
        return new Created(token, signIn);
    }

    /** The live sign-in a cookie token stands for: unexpired, and its key (if a stored one) not revoked. */
    public Optional<ConsoleSignIn> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT c.scope, c.session_name, c.tenant_slug, c.api_key_id, c.csrf_token, c.expires_at
                          FROM console_sign_ins c LEFT JOIN api_keys k ON k.id = c.api_key_id
                         WHERE c.token_hash = :hash AND c.expires_at > clock_timestamp()
                           AND (c.api_key_id IS NULL OR k.revoked_at IS NULL)
                        """)
                .bind("hash", hash(token))
                .map((rs, ctx) -> new ConsoleSignIn(
                        ApiKey.Scope.fromValue(rs.getString(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getObject(4) == null ? null : rs.getLong(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant()))
                .findOne());
    }

    /** Ends a sign-in (sign-out); true when there was one. */
    public boolean delete(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return false;
        }
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM console_sign_ins WHERE token_hash = :hash")
                        .bind("hash", hash(token))
                        .execute())
                > 0;
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
