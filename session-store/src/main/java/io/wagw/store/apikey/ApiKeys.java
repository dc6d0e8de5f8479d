package io.wagw.store.apikey;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** API keys: created once (the plaintext is shown only then), stored hashed, revocable. */
public final class ApiKeys {
    private static final String KEY_PREFIX = "wagw_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A newly created key: {@code plaintext} is never stored and cannot be shown again. */
    public record Created(ApiKey key, String plaintext) {}

    private final Jdbi jdbi;

    public ApiKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates an admin key or a key limited to one session. */
    public Created create(ApiKey.Scope scope, String session) {
        return create(scope, session, null);
    }

    /**
     * Creates an admin key (no session, no tenant), a key limited to one session, or one limited to one
     * tenant.
     */
    public Created create(ApiKey.Scope scope, String session, String tenant) {
        if (scope == null) {
            throw new StoreException.InvalidInput("scope", "scope is required (admin, session or tenant)");
        }
        if (scope != ApiKey.Scope.SESSION && session != null) {
            throw new StoreException.InvalidInput("session", "only a session key is limited to a session");
        }
        if (scope != ApiKey.Scope.TENANT && tenant != null) {
            throw new StoreException.InvalidInput("tenant", "only a tenant key is limited to a tenant");
        }
        if (scope == ApiKey.Scope.SESSION) {
            Validation.sessionName(session);
        }
        if (scope == ApiKey.Scope.TENANT) {
            Validation.slug(tenant);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String plaintext = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return jdbi.inTransaction(h -> {
            if (session != null
                    && h.createQuery("SELECT id FROM sessions WHERE name = :n")
                            .bind("n", session)
                            .mapTo(Long.class)
                            .findOne()
                            .isEmpty()) {
                throw new StoreException.NotFound("session", "unknown session '%s'".formatted(session));
            }
            if (tenant != null
                    && h.createQuery("SELECT id FROM tenants WHERE slug = :s")
                            .bind("s", tenant)
                            .mapTo(Long.class)
                            .findOne()
                            .isEmpty()) {
                throw new StoreException.NotFound("tenant", "unknown tenant '%s'".formatted(tenant));
            }
            var key = h.attach(ApiKeyDao.class)
                    .insert(hash(plaintext), plaintext.substring(0, 12), scope, session, tenant);
            return new Created(key, plaintext);
        });
    }

    /** The active key matching a presented plaintext, if any. */
    public Optional<ApiKey> verify(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(presented);
        return jdbi.withExtension(
                ApiKeyDao.class,
                dao -> dao.findActiveHash(hash)
                        // the index lookup already matched; compare in constant time anyway so no path leaks timing
                        .filter(k -> MessageDigest.isEqual(
                                k.keyHash().getBytes(StandardCharsets.US_ASCII),
                                hash.getBytes(StandardCharsets.US_ASCII)))
                        .flatMap(k -> dao.find(k.id())));
    }

    public List<ApiKey> list() {
        return jdbi.withExtension(ApiKeyDao.class, ApiKeyDao::list);
    }

    public void revoke(long id) {
        jdbi.useTransaction(h -> {
            var dao = h.attach(ApiKeyDao.class);
            if (dao.revoke(id).isEmpty()) {
                var existing = dao.find(id)
                        .orElseThrow(() -> new StoreException.NotFound("id", "unknown API key %d".formatted(id)));
                if (existing.revoked()) {
                    throw new StoreException.InvalidState("id", "API key %d is already revoked".formatted(id));
                }
            }
        });
    }

    static String hash(String plaintext) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
