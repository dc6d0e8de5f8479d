package io.wagw.store.webhook;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterRowMapper(DeliveryRowMapper.class)
@RegisterConstructorMapper(WebhookDao.StatusCount.class)
interface WebhookDao {
    String COLUMNS = """
             d.id, s.name AS session, d.url, d.event, d.request_id, d.body, d.hmac_key, d.headers::text AS headers,
             d.max_attempts, d.retry_policy, d.retry_delay_ms, d.attempts, d.status, d.next_attempt_at, d.claimed_by,
             d.claim_token, d.claim_expires_at, d.last_error, d.last_http_status, d.created_at, d.updated_at,
             d.delivered_at
            """;

    record StatusCount(String status, long count) {}

    @SqlQuery("SELECT id FROM sessions WHERE name = :session")
    Optional<Long> sessionId(@Bind("session") String session);

    @SqlQuery("""
            WITH d AS (
                INSERT INTO webhook_deliveries (session_id, url, event, request_id, body, hmac_key, headers,
                                                max_attempts, retry_policy, retry_delay_ms)
                VALUES (:sessionId, :url, :event, :requestId, :body, :hmacKey, CAST(:headers AS jsonb),
                        :maxAttempts, :retryPolicy, :retryDelayMs)
                RETURNING *
            )
            SELECT""" + COLUMNS + "FROM d JOIN sessions s ON s.id = d.session_id")
    WebhookDelivery insert(
            @Bind("sessionId") long sessionId,
            @Bind("url") String url,
            @Bind("event") String event,
            @Bind("requestId") String requestId,
            @Bind("body") String body,
            @Bind("hmacKey") String hmacKey,
            @Bind("headers") String headersJson,
            @Bind("maxAttempts") int maxAttempts,
            @Bind("retryPolicy") String retryPolicy,
            @Bind("retryDelayMs") long retryDelayMs);

    // A claim that lapsed during the last allowed attempt is not tried again: its node may have
    // delivered the row or died on it, and either way the retry plan is spent.
    @SqlUpdate("""
            WITH lapsed AS (
                SELECT id FROM webhook_deliveries
                 WHERE status = 'delivering' AND claim_expires_at <= clock_timestamp() AND attempts >= max_attempts
                 FOR UPDATE SKIP LOCKED
            )
            UPDATE webhook_deliveries d
               SET status = 'dead', claim_token = NULL, claim_expires_at = NULL, updated_at = clock_timestamp(),
                   last_error = 'claim of node ' || d.claimed_by || ' lapsed during the last attempt'
              FROM lapsed WHERE d.id = lapsed.id
            """)
    int buryLapsedLastAttempts();

    // Due = pending and its time has come, or claimed by a node whose claim lapsed. Only the oldest
    // unfinished row per (session, url) is due, so one webhook receives a session's events in order and
    // never two at once. SKIP LOCKED lets concurrent claimers take disjoint rows without waiting; a row
    // another claimer changed meanwhile is re-checked against its new version and dropped.
    @SqlQuery("""
            WITH due AS (
                SELECT d.id FROM webhook_deliveries d
                 WHERE ((d.status = 'pending' AND d.next_attempt_at <= clock_timestamp())
                     OR (d.status = 'delivering' AND d.claim_expires_at <= clock_timestamp()
                         AND d.attempts < d.max_attempts))
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                    WHERE e.session_id = d.session_id AND e.url = d.url AND e.id < d.id
                                      AND e.status IN ('pending', 'delivering'))
                 ORDER BY d.next_attempt_at, d.id
                 LIMIT :limit
                 FOR UPDATE SKIP LOCKED
            )
            UPDATE webhook_deliveries d
               SET status = 'delivering', attempts = d.attempts + 1, claimed_by = :node,
                   claim_token = gen_random_uuid(), updated_at = clock_timestamp(),
                   claim_expires_at = clock_timestamp() + CAST(:leaseMs AS double precision) * interval '1 millisecond'
              FROM due, sessions s
             WHERE d.id = due.id AND s.id = d.session_id
            RETURNING""" + COLUMNS)
    List<WebhookDelivery> claim(@Bind("node") String node, @Bind("limit") int limit, @Bind("leaseMs") long leaseMs);

    @SqlQuery("""
            UPDATE webhook_deliveries d
               SET status = 'delivered', claim_token = NULL, claim_expires_at = NULL, last_http_status = :httpStatus,
                   last_error = NULL, delivered_at = clock_timestamp(), updated_at = clock_timestamp()
              FROM sessions s
             WHERE d.id = :id AND d.claim_token = :token AND d.status = 'delivering' AND s.id = d.session_id
            RETURNING""" + COLUMNS)
    Optional<WebhookDelivery> markDelivered(
            @Bind("id") long id, @Bind("token") UUID token, @Bind("httpStatus") int httpStatus);

    @SqlQuery("""
            UPDATE webhook_deliveries d
               SET status = CASE WHEN CAST(:retryMs AS bigint) IS NULL OR d.attempts >= d.max_attempts
                                 THEN 'dead' ELSE 'pending' END,
                   next_attempt_at = CASE WHEN CAST(:retryMs AS bigint) IS NULL OR d.attempts >= d.max_attempts
                                          THEN d.next_attempt_at
                                          ELSE clock_timestamp()
                                               + CAST(:retryMs AS double precision) * interval '1 millisecond' END,
                   claim_token = NULL, claim_expires_at = NULL, last_http_status = :httpStatus, last_error = :error,
                   updated_at = clock_timestamp()
              FROM sessions s
             WHERE d.id = :id AND d.claim_token = :token AND d.status = 'delivering' AND s.id = d.session_id
            RETURNING""" + COLUMNS)
    Optional<WebhookDelivery> markFailed(
            @Bind("id") long id,
            @Bind("token") UUID token,
            @Bind("httpStatus") Integer httpStatus,
            @Bind("error") String error,
            @Bind("retryMs") Long retryMs);

    @SqlQuery("SELECT" + COLUMNS + """
              FROM webhook_deliveries d JOIN sessions s ON s.id = d.session_id
             WHERE d.session_id = :sessionId AND (CAST(:status AS text) IS NULL OR d.status = :status)
             ORDER BY d.id DESC LIMIT :limit
            """)
    List<WebhookDelivery> listBySession(
            @Bind("sessionId") long sessionId, @Bind("status") String status, @Bind("limit") int limit);

    @SqlQuery("SELECT" + COLUMNS + """
              FROM webhook_deliveries d JOIN sessions s ON s.id = d.session_id
             WHERE d.session_id = :sessionId AND d.id = :id
            """)
    Optional<WebhookDelivery> find(@Bind("sessionId") long sessionId, @Bind("id") long id);

    @SqlQuery("SELECT status, count(*) AS count FROM webhook_deliveries WHERE session_id = :sessionId GROUP BY status")
    List<StatusCount> countBySession(@Bind("sessionId") long sessionId);

    @SqlQuery("""
            UPDATE webhook_deliveries d
               SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), updated_at = clock_timestamp()
              FROM sessions s
             WHERE d.session_id = :sessionId AND d.id = :id AND d.status = 'dead' AND s.id = d.session_id
            RETURNING""" + COLUMNS)
    Optional<WebhookDelivery> requeue(@Bind("sessionId") long sessionId, @Bind("id") long id);

    @SqlUpdate("""
            UPDATE webhook_deliveries
               SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), updated_at = clock_timestamp()
             WHERE session_id = :sessionId AND status = 'dead'
            """)
    int requeueAllDead(@Bind("sessionId") long sessionId);

    @SqlUpdate("""
            DELETE FROM webhook_deliveries
             WHERE status = 'delivered'
               AND delivered_at < clock_timestamp() - CAST(:olderThanMs AS double precision) * interval '1 millisecond'
            """)
    int purgeDelivered(@Bind("olderThanMs") long olderThanMs);
}
