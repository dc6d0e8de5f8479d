package io.wagw.store.apikey;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

@RegisterConstructorMapper(ApiKey.class)
@RegisterConstructorMapper(ApiKeyDao.HashedKey.class)
interface ApiKeyDao {
    record HashedKey(String keyHash, long id) {}

    String SELECT = """
            SELECT k.id, k.key_prefix AS prefix, k.scope, s.name AS session, t.slug AS tenant, k.created_at,
                   k.revoked_at
              FROM api_keys k LEFT JOIN sessions s ON s.id = k.session_id LEFT JOIN tenants t ON t.id = k.tenant_id
            """;

    @SqlQuery("""
            WITH inserted AS (
                INSERT INTO api_keys (key_hash, key_prefix, scope, session_id, tenant_id)
                VALUES (:hash, :prefix, :scope, (SELECT id FROM sessions WHERE name = :session),
                        (SELECT id FROM tenants WHERE slug = :tenant))
                RETURNING *
            )
            SELECT k.id, k.key_prefix AS prefix, k.scope, :session AS session, :tenant AS tenant, k.created_at,
                   k.revoked_at
              FROM inserted k
            """)
    ApiKey insert(
            @Bind("hash") String hash,
            @Bind("prefix") String prefix,
            @Bind("scope") ApiKey.Scope scope,
            @Bind("session") String session,
            @Bind("tenant") String tenant);

    @SqlQuery("SELECT key_hash, id FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
    Optional<HashedKey> findActiveHash(@Bind("hash") String hash);

    @SqlQuery(SELECT + " WHERE k.id = :id")
    Optional<ApiKey> find(@Bind("id") long id);

    @SqlQuery(SELECT + " ORDER BY k.id")
    List<ApiKey> list();

    @SqlQuery("""
            UPDATE api_keys SET revoked_at = clock_timestamp() WHERE id = :id AND revoked_at IS NULL RETURNING id
            """)
    Optional<Long> revoke(@Bind("id") long id);
}
