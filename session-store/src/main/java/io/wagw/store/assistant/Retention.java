package io.wagw.store.assistant;

import io.wagw.store.Validation;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Deletes what a tenant keeps no longer: messages older than its retention, and what refers to them. */
public final class Retention {
    /** What one run deleted for one tenant. */
    public record Deleted(long messages, long decisions, long escalations) {}

    private final Jdbi jdbi;

    public Retention(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The tenants that saved assistant settings, by slug. */
    public List<String> tenantsWithSettings() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT t.slug FROM tenant_settings s JOIN tenants t ON t.id = s.tenant_id ORDER BY t.slug")
                .mapTo(String.class)
                .list());
    }

    /**
     * Deletes the tenant's messages (and the decisions on them) written longer ago than {@code keep}, and
     * its resolved escalations as old; open escalations stay until resolved.
     */
    public Deleted apply(String tenant, Duration keep) {
        Validation.slug(tenant);
        return jdbi.inTransaction(h -> {
            long id = Tenant.id(h, tenant);
            double seconds = keep.toSeconds();
            long decisions =
                    h.createUpdate("""
                            DELETE FROM assistant_turns
                             WHERE session_id IN (SELECT id FROM sessions WHERE tenant_id = :t)
                               AND created_at < clock_timestamp() - make_interval(secs => :secs)
                            """).bind("t", id).bind("secs", seconds).execute();
            long messages =
                    h.createUpdate("""
                            DELETE FROM messages
                             WHERE session_id IN (SELECT id FROM sessions WHERE tenant_id = :t)
                               AND created_at < clock_timestamp() - make_interval(secs => :secs)
                            """).bind("t", id).bind("secs", seconds).execute();
            long escalations =
                    h.createUpdate("""
                            DELETE FROM escalations
                             WHERE tenant_id = :t AND status = 'resolved'
                               AND created_at < clock_timestamp() - make_interval(secs => :secs)
                            """).bind("t", id).bind("secs", seconds).execute();
            return new Deleted(messages, decisions, escalations);
        });
    }
}
