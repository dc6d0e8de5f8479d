package io.wagw.store.assistant;

import io.wagw.store.Json;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The customers of each tenant: profile, opt-out, notes, summary; export and forgetting. */
public final class Customers {
    private static final Pattern PHONE = Pattern.compile("[1-9][0-9]{7,14}");
    public static final int MAX_NOTES = 100;

    /** What forgetting a customer deleted, by kind. */
    public record Forgotten(long messages, long escalations, boolean profile) {}

    private final Jdbi jdbi;

    public Customers(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public static String phone(String value) {
        if (value == null || !PHONE.matcher(value).matches()) {
            throw new StoreException.InvalidInput(
                    "phone", "phone must be a number in international form, digits only (8 to 15)");
        }
        return value;
    }

    public Customer get(String tenant, String phone) {
        Validation.slug(tenant);
        phone(phone);
        return jdbi.withHandle(h -> find(h, Tenant.id(h, tenant), tenant, phone))
                .orElseThrow(() -> new StoreException.NotFound(
                        "phone", "tenant '%s' has no customer with that number".formatted(tenant)));
    }

    /** Adds a note; at most {@link #MAX_NOTES} are kept, the oldest go first. */
    public Customer addNote(String tenant, String phone, String text) {
        Validation.slug(tenant);
        phone(phone);
        Validation.text("text", text);
        if (text.length() > 2_000) {
            throw new StoreException.InvalidInput("text", "text must be at most 2000 characters");
        }
        return jdbi.inTransaction(h -> {
            long id = Tenant.id(h, tenant);
            Customer c = find(h, id, tenant, phone)
                    .orElseThrow(() -> new StoreException.NotFound(
                            "phone", "tenant '%s' has no customer with that number".formatted(tenant)));
            var notes = new ArrayList<>(c.notes());
            notes.add(Map.of("text", text, "at", Instant.now().toString()));
            while (notes.size() > MAX_NOTES) {
                notes.remove(0);
            }
            h.createUpdate("UPDATE customers SET notes = CAST(:notes AS jsonb) WHERE tenant_id = :t AND phone = :p")
                    .bind("notes", Json.fromList("notes", notes))
                    .bind("t", id)
                    .bind("p", phone)
                    .execute();
            return find(h, id, tenant, phone).orElseThrow();
        });
    }

    public void setSummary(String tenant, String phone, String summary) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE customers SET summary = :s WHERE tenant_id = :t AND phone = :p")
                .bind("s", summary)
                .bind("t", Tenant.id(h, tenant))
                .bind("p", phone)
                .execute());
    }

    /**
     * Everything stored about a customer: the profile, the messages of their chat in every session of the
     * tenant, and their escalations.
     */
    public Map<String, Object> export(String tenant, String phone) {
        Customer c = get(tenant, phone);
        return jdbi.withHandle(h -> {
            long id = Tenant.id(h, tenant);
            var out = new LinkedHashMap<String, Object>();
            out.put("customer", c);
            out.put(
                    "messages",
                    h.createQuery("""
                                    SELECT s.name, m.direction, m.body, m.status, m.created_at
                                      FROM messages m JOIN sessions s ON s.id = m.session_id
                                     WHERE s.tenant_id = :t AND m.chat_id = :chat ORDER BY m.id
                                    """)
                            .bind("t", id)
                            .bind("chat", phone + "@c.us")
                            .map((rs, ctx) -> Map.<String, Object>of(
                                    "session", rs.getString(1),
                                    "direction", rs.getString(2),
                                    "body", rs.getString(3),
                                    "status", rs.getString(4),
                                    "at", rs.getTimestamp(5).toInstant().toString()))
                            .list());
            out.put(
                    "escalations",
                    h.createQuery("""
                                    SELECT id, reason, summary, status, created_at FROM escalations
                                     WHERE tenant_id = :t AND customer_phone = :p ORDER BY id
                                    """)
                            .bind("t", id)
                            .bind("p", phone)
                            .map((rs, ctx) -> Map.<String, Object>of(
                                    "id", rs.getLong(1),
                                    "reason", rs.getString(2),
                                    "summary", rs.getString(3),
                                    "status", rs.getString(4),
                                    "createdAt", rs.getTimestamp(5).toInstant().toString()))
                            .list());
            return out;
        });
    }

    /** Deletes the customer's messages, escalations, chat state and profile in one transaction. */
    public Forgotten forget(String tenant, String phone) {
        Validation.slug(tenant);
        phone(phone);
        return jdbi.inTransaction(h -> {
            long id = Tenant.id(h, tenant);
            String chat = phone + "@c.us";
            long messages = h.createUpdate("""
                            DELETE FROM messages WHERE chat_id = :chat
                               AND session_id IN (SELECT id FROM sessions WHERE tenant_id = :t)
                            """).bind("chat", chat).bind("t", id).execute();
            h.createUpdate("""
                            DELETE FROM assistant_turns WHERE chat_id = :chat
                               AND session_id IN (SELECT id FROM sessions WHERE tenant_id = :t)
                            """).bind("chat", chat).bind("t", id).execute();
            long escalations = h.createUpdate(
                            "DELETE FROM escalations WHERE tenant_id = :t AND (customer_phone = :p OR chat_id = :chat)")
                    .bind("t", id)
                    .bind("p", phone)
                    .bind("chat", chat)
                    .execute();
            h.createUpdate("DELETE FROM chat_states WHERE tenant_id = :t AND chat_id = :chat")
                    .bind("t", id)
                    .bind("chat", chat)
                    .execute();
            boolean profile = h.createUpdate("DELETE FROM customers WHERE tenant_id = :t AND phone = :p")
                            .bind("t", id)
                            .bind("p", phone)
                            .execute()
                    > 0;
            if (messages == 0 && escalations == 0 && !profile) {
                throw new StoreException.NotFound(
                        "phone", "tenant '%s' has no customer with that number".formatted(tenant));
            }
            return new Forgotten(messages, escalations, profile);
        });
    }

    static Optional<Customer> find(Handle h, long tenantId, String tenant, String phone) {
        return h.createQuery("""
                        SELECT phone, push_name, language, first_contact_at, last_contact_at, message_count,
                               opted_out, rate_notice_at, notes::text, summary
                          FROM customers WHERE tenant_id = :t AND phone = :p
                        """)
                .bind("t", tenantId)
                .bind("p", phone)
                .map((rs, ctx) -> new Customer(
                        tenant,
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Turns.instant(rs, 4),
                        Turns.instant(rs, 5),
                        rs.getLong(6),
                        rs.getBoolean(7),
                        Turns.instant(rs, 8),
                        Json.toList(rs.getString(9)),
                        rs.getString(10)))
                .findOne();
    }

    /** Counts the customer's message and applies a decision's changes to their row. */
    static void touch(Handle h, long tenantId, TurnRecord r) {
        h.createUpdate("""
                        INSERT INTO customers AS c (tenant_id, phone, push_name, language, first_contact_at,
                                                    last_contact_at, message_count, opted_out, rate_notice_at)
                        VALUES (:t, :p, :name, :lang, :at, :at, 1, COALESCE(:out, FALSE), :notice)
                        ON CONFLICT (tenant_id, phone) DO UPDATE SET
                               push_name = COALESCE(EXCLUDED.push_name, c.push_name),
                               language = COALESCE(EXCLUDED.language, c.language),
                               last_contact_at = GREATEST(c.last_contact_at, EXCLUDED.last_contact_at),
                               message_count = c.message_count + 1,
                               opted_out = COALESCE(:out, c.opted_out),
                               rate_notice_at = COALESCE(EXCLUDED.rate_notice_at, c.rate_notice_at)
                        """)
                .bind("t", tenantId)
                .bind("p", r.customerPhone())
                .bind("name", r.pushName())
                .bind("lang", r.language())
                .bind("at", Timestamp.from(r.at()))
                .bind("out", r.optedOut())
                .bind("notice", r.rateNoticeAt() == null ? null : Timestamp.from(r.rateNoticeAt()))
                .execute();
    }
}
