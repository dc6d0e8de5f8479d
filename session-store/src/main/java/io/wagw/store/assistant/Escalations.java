package io.wagw.store.assistant;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Chats the assistant handed to a person: listed per tenant, resolved by the business. */
public final class Escalations {
    public record Escalation(
            long id,
            String session,
            String chatId,
            String customerPhone,
            String reason,
            String summary,
            String status,
            Instant createdAt,
            Instant resolvedAt) {}

    private final Jdbi jdbi;

    public Escalations(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** @param status {@code open}, {@code resolved} or null for both; newest first */
    public List<Escalation> list(String tenant, String status, int limit) {
        Validation.slug(tenant);
        if (status != null && !status.equals("open") && !status.equals("resolved")) {
            throw new StoreException.InvalidInput("status", "status must be open or resolved");
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, session_name, chat_id, customer_phone, reason, summary, status, created_at,
                               resolved_at
                          FROM escalations WHERE tenant_id = :t AND (CAST(:status AS text) IS NULL OR status = :status)
                         ORDER BY id DESC LIMIT :limit
                        """)
                .bind("t", Tenant.id(h, tenant))
                .bind("status", status)
                .bind("limit", limit)
                .map((rs, ctx) -> new Escalation(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        Turns.instant(rs, 8),
                        Turns.instant(rs, 9)))
                .list());
    }

    /** Marks an open escalation resolved; resolving it again changes nothing. */
    public Escalation resolve(String tenant, long id) {
        Validation.slug(tenant);
        jdbi.useTransaction(h -> {
            int rows = h.createUpdate("""
                            UPDATE escalations SET status = 'resolved', resolved_at = COALESCE(resolved_at, :now)
                             WHERE tenant_id = :t AND id = :id
                            """)
                    .bind("t", Tenant.id(h, tenant))
                    .bind("id", id)
                    .bind("now", Timestamp.from(Instant.now()))
                    .execute();
            if (rows == 0) {
                throw new StoreException.NotFound("id", "tenant '%s' has no escalation %d".formatted(tenant, id));
            }
        });
        return list(tenant, null, Integer.MAX_VALUE).stream()
                .filter(e -> e.id() == id)
                .findFirst()
                .orElseThrow();
    }
}
