package io.wagw.store.assistant;

import io.wagw.store.Validation;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The assistant's decisions on inbound messages: what the rules need to decide ({@link #context}), the
 * decision and its state changes written once ({@link #record}), and messages waiting for opening time.
 */
public final class Turns {
    /** A message that waits for opening time. */
    public record Deferred(String session, String waMessageId, Instant dueAt) {}

    /** The assistant's counters of one tenant and month. */
    public record MonthUsage(long answers, long escalations, long tokensIn, long tokensOut, double costUsd) {}

    /** Rows per tenant and month the counters are spread over. */
    static final int MONTH_SHARDS = 8;

    private final Jdbi jdbi;

    public Turns(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Reads the state for one stored inbound message.
     *
     * @param rateWindow how far back the customer's messages count against the rate limit
     * @param recent     how many of the chat's earlier messages to include
     * @param withBurst  read the customer's earlier messages left to this one (the tenant debounces)
     */
    public TurnContext context(
            String session,
            String waMessageId,
            String tenant,
            String chatId,
            String customerPhone,
            Duration rateWindow,
            YearMonth month,
            int recent,
            boolean withBurst) {
        Validation.slug(tenant);
        return jdbi.inTransaction(h -> {
            // These statements run thousands of times per connection with different values; a generic plan
            // chosen after the fifth run scanned a whole tenant's messages for one chat.
            h.execute("SET LOCAL plan_cache_mode = force_custom_plan");
            var t = h.createQuery("SELECT id, status FROM tenants WHERE slug = :slug")
                    .bind("slug", tenant)
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)})
                    .findOne()
                    .orElseThrow(() -> AssistantSettings.unknownTenant(tenant));
            long tenantId = (long) t[0];
            Optional<Customer> customer =
                    customerPhone == null ? Optional.empty() : Customers.find(h, tenantId, tenant, customerPhone);
            int inWindow = h.createQuery("""
                            WITH me AS (
                              SELECT m.created_at FROM messages m JOIN sessions s ON s.id = m.session_id
                               WHERE s.name = :session AND m.wa_message_id = :wa)
                            SELECT count(*) FROM messages m, me
                             WHERE m.session_id IN (SELECT id FROM sessions WHERE tenant_id = :tenant)
                               AND m.chat_id = :chat AND m.direction = 'in'
                               AND m.created_at > me.created_at - make_interval(secs => :secs)
                               AND m.created_at <= me.created_at
                            """)
                    .bind("session", session)
                    .bind("wa", waMessageId)
                    .bind("tenant", tenantId)
                    .bind("chat", chatId)
                    .bind("secs", (double) rateWindow.toMillis() / 1000)
                    .mapTo(Integer.class)
                    .one();
            var chat = h.createQuery("""
                            SELECT paused_until, quiet_notice_night, quota_notice_on, last_escalation_at
                              FROM chat_states WHERE tenant_id = :tenant AND chat_id = :chat
                            """)
                    .bind("tenant", tenantId)
                    .bind("chat", chatId)
                    .map((rs, ctx) -> new Object[] {instant(rs, 1), date(rs, 2), date(rs, 3), instant(rs, 4)})
                    .findOne()
                    .orElse(new Object[4]);
            var monthRow = h.createQuery("""
                            SELECT sum(answers), bool_or(alert_sent_at IS NOT NULL),
                                   bool_or(limit_noticed_at IS NOT NULL)
                              FROM assistant_months WHERE tenant_id = :tenant AND month = :month
                             HAVING count(*) > 0
                            """)
                    .bind("tenant", tenantId)
                    .bind("month", month.atDay(1))
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getBoolean(2), rs.getBoolean(3)})
                    .findOne()
                    .orElse(new Object[] {0L, false, false});
            List<String> lines = new ArrayList<>(h.createQuery("""
                            SELECT m.direction, m.body FROM messages m JOIN sessions s ON s.id = m.session_id
                             WHERE s.name = :session AND m.chat_id = :chat
                               AND m.id < COALESCE((SELECT m2.id FROM messages m2
                                                     WHERE m2.session_id = s.id AND m2.wa_message_id = :wa),
                                                   9223372036854775807)
                             ORDER BY m.id DESC LIMIT :limit
                            """)
                    .bind("session", session)
                    .bind("chat", chatId)
                    .bind("wa", waMessageId)
                    .bind("limit", recent)
                    .map((rs, ctx) -> ("in".equals(rs.getString(1)) ? "customer: " : "assistant: ") + rs.getString(2))
                    .list());
            Collections.reverse(lines);
            List<String> burst = !withBurst
                    ? List.of()
                    : h.createQuery("""
                            SELECT m.body FROM messages m JOIN sessions s ON s.id = m.session_id
                              JOIN assistant_turns t ON t.session_id = m.session_id AND t.wa_message_id = m.wa_message_id
                             WHERE s.name = :session AND m.chat_id = :chat AND m.direction = 'in'
                               AND t.step = 'debounced'
                               AND m.id < COALESCE((SELECT m2.id FROM messages m2
                                                     WHERE m2.session_id = s.id AND m2.wa_message_id = :wa),
                                                   9223372036854775807)
                               AND m.id > COALESCE((SELECT max(m3.id) FROM messages m3
                                                      JOIN assistant_turns t3 ON t3.session_id = m3.session_id
                                                                             AND t3.wa_message_id = m3.wa_message_id
                                                     WHERE m3.session_id = s.id AND m3.chat_id = :chat
                                                       AND m3.direction = 'in' AND t3.step <> 'debounced'), 0)
                             ORDER BY m.id
                            """)
                            .bind("session", session)
                            .bind("chat", chatId)
                            .bind("wa", waMessageId)
                            .mapTo(String.class)
                            .list();
            return new TurnContext(
                    (String) t[1],
                    customer,
                    inWindow,
                    (Instant) chat[0],
                    (LocalDate) chat[1],
                    (LocalDate) chat[2],
                    (Instant) chat[3],
                    (long) monthRow[0],
                    (boolean) monthRow[1],
                    (boolean) monthRow[2],
                    List.copyOf(lines),
                    burst);
        });
    }

    /**
     * Writes a decision and the state it changes in one transaction, once per message: a message decided
     * before changes nothing again.
     *
     * @return the id of the escalation opened (0 when none), or empty when the message was decided before
     */
    public Optional<Long> record(TurnRecord r) {
        return jdbi.inTransaction(h -> {
            // Asynchronous commit: the decision does not wait for its own WAL flush. What makes a message
            // count as answered is the handled mark written after the replies went out, with a synchronous
            // commit that flushes this one too (WAL is flushed in order); a crash before it loses at most a
            // decision on a message that is then handed on and decided again. It halves the commits a
            // message waits for.
            h.execute("SET LOCAL synchronous_commit = off");
            long tenantId = Tenant.id(h, r.tenant());
            int inserted = h.createUpdate("""
                            INSERT INTO assistant_turns (session_id, wa_message_id, chat_id, step, reply_kind, language)
                            SELECT id, :wa, :chat, :step, :kind, :lang FROM sessions WHERE name = :session
                            ON CONFLICT (session_id, wa_message_id) DO NOTHING
                            """)
                    .bind("wa", r.waMessageId())
                    .bind("chat", r.chatId())
                    .bind("step", r.step())
                    .bind("kind", r.replyKind())
                    .bind("lang", r.language())
                    .bind("session", r.session())
                    .execute();
            if (inserted == 0) {
                return Optional.<Long>empty();
            }
            if (r.customerPhone() != null) {
                Customers.touch(h, tenantId, r);
            }
            upsertChat(h, tenantId, r);
            long escalationId = 0;
            if (r.escalation() != null && r.escalation().tellContacts()) {
                escalationId = h.createQuery("""
                                INSERT INTO escalations (tenant_id, session_name, chat_id, customer_phone, reason, summary)
                                VALUES (:tenant, :session, :chat, :phone, :reason, :summary) RETURNING id
                                """)
                        .bind("tenant", tenantId)
                        .bind("session", r.session())
                        .bind("chat", r.chatId())
                        .bind("phone", r.customerPhone())
                        .bind("reason", r.escalation().reason())
                        .bind("summary", r.escalation().summary())
                        .mapTo(Long.class)
                        .one();
                h.createUpdate("""
                                UPDATE assistant_turns SET escalation_id = :esc
                                 WHERE session_id = (SELECT id FROM sessions WHERE name = :session)
                                   AND wa_message_id = :wa
                                """)
                        .bind("esc", escalationId)
                        .bind("session", r.session())
                        .bind("wa", r.waMessageId())
                        .execute();
            }
            h.createUpdate("""
                            INSERT INTO assistant_months AS m
                                   (tenant_id, month, shard, answers, escalations, tokens_in, tokens_out, cost_usd,
                                    alert_sent_at, limit_noticed_at)
                            VALUES (:tenant, :month, :shard, :answers, :escalations, :tin, :tout, :cost,
                                    CASE WHEN :alert THEN clock_timestamp() END,
                                    CASE WHEN :limit THEN clock_timestamp() END)
                            ON CONFLICT (tenant_id, month, shard) DO UPDATE SET
                                   answers = m.answers + EXCLUDED.answers,
                                   escalations = m.escalations + EXCLUDED.escalations,
                                   tokens_in = m.tokens_in + EXCLUDED.tokens_in,
                                   tokens_out = m.tokens_out + EXCLUDED.tokens_out,
                                   cost_usd = m.cost_usd + EXCLUDED.cost_usd,
                                   alert_sent_at = COALESCE(m.alert_sent_at, EXCLUDED.alert_sent_at),
                                   limit_noticed_at = COALESCE(m.limit_noticed_at, EXCLUDED.limit_noticed_at)
                            """)
                    .bind("tenant", tenantId)
                    .bind("month", r.month().atDay(1))
                    .bind("shard", (short) Math.floorMod(r.chatId().hashCode(), MONTH_SHARDS))
                    .bind("answers", r.countsAsAnswer() ? 1 : 0)
                    .bind("escalations", escalationId > 0 ? 1 : 0)
                    .bind("tin", r.tokensIn())
                    .bind("tout", r.tokensOut())
                    .bind("cost", r.costUsd())
                    .bind("alert", r.alertSent())
                    .bind("limit", r.limitNoticed())
                    .execute();
            if (r.deferUntil() != null) {
                h.createUpdate("""
                                INSERT INTO deferred_messages (session_id, wa_message_id, due_at)
                                SELECT id, :wa, :due FROM sessions WHERE name = :session
                                ON CONFLICT DO NOTHING
                                """)
                        .bind("wa", r.waMessageId())
                        .bind("due", Timestamp.from(r.deferUntil()))
                        .bind("session", r.session())
                        .execute();
            }
            return Optional.of(escalationId);
        });
    }

    private static void upsertChat(Handle h, long tenantId, TurnRecord r) {
        boolean escalated = r.escalation() != null && r.escalation().tellContacts();
        if (r.quietNoticeNight() == null && r.quotaNoticeOn() == null && !escalated) {
            return;
        }
        h.createUpdate("""
                        INSERT INTO chat_states AS c (tenant_id, chat_id, quiet_notice_night, quota_notice_on,
                                                      last_escalation_at)
                        VALUES (:tenant, :chat, :quiet, :quota, :esc)
                        ON CONFLICT (tenant_id, chat_id) DO UPDATE SET
                               quiet_notice_night = COALESCE(EXCLUDED.quiet_notice_night, c.quiet_notice_night),
                               quota_notice_on = COALESCE(EXCLUDED.quota_notice_on, c.quota_notice_on),
                               last_escalation_at = COALESCE(EXCLUDED.last_escalation_at, c.last_escalation_at)
                        """)
                .bind("tenant", tenantId)
                .bind("chat", r.chatId())
                .bind("quiet", r.quietNoticeNight())
                .bind("quota", r.quotaNoticeOn())
                .bind("esc", escalated ? Timestamp.from(r.at()) : null)
                .execute();
    }

    /** The assistant's answers, escalations, tokens and cost of a tenant in a month. */
    public MonthUsage month(String tenant, YearMonth month) {
        Validation.slug(tenant);
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COALESCE(sum(answers), 0), COALESCE(sum(escalations), 0), COALESCE(sum(tokens_in), 0),
                               COALESCE(sum(tokens_out), 0), COALESCE(sum(cost_usd), 0)
                          FROM assistant_months WHERE tenant_id = :t AND month = :month
                        """)
                .bind("t", Tenant.id(h, tenant))
                .bind("month", month.atDay(1))
                .map((rs, ctx) ->
                        new MonthUsage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5)))
                .one());
    }

    /** Whether the chat has an inbound message stored after this one (the customer wrote again). */
    public boolean newerInbound(String session, String chatId, String waMessageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT EXISTS (
                          SELECT 1 FROM messages m JOIN sessions s ON s.id = m.session_id
                           WHERE s.name = :session AND m.chat_id = :chat AND m.direction = 'in'
                             AND m.id > (SELECT m2.id FROM messages m2
                                          WHERE m2.session_id = s.id AND m2.wa_message_id = :wa))
                        """)
                .bind("session", session)
                .bind("chat", chatId)
                .bind("wa", waMessageId)
                .mapTo(Boolean.class)
                .one());
    }

    /** Pauses the assistant in a chat until then (a person answered). */
    public void pause(String tenant, String chatId, Instant until) {
        Validation.slug(tenant);
        jdbi.useTransaction(h -> h.createUpdate("""
                        INSERT INTO chat_states AS c (tenant_id, chat_id, paused_until) VALUES (:tenant, :chat, :until)
                        ON CONFLICT (tenant_id, chat_id) DO UPDATE SET paused_until = EXCLUDED.paused_until
                        """)
                .bind("tenant", Tenant.id(h, tenant))
                .bind("chat", chatId)
                .bind("until", until == null ? null : Timestamp.from(until))
                .execute());
    }

    /** Messages of these sessions due by then, oldest first. */
    public List<Deferred> due(List<String> sessions, Instant by, int limit) {
        if (sessions.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.name, d.wa_message_id, d.due_at FROM deferred_messages d
                          JOIN sessions s ON s.id = d.session_id
                         WHERE s.name IN (<sessions>) AND d.due_at <= :by
                         ORDER BY d.due_at LIMIT :limit
                        """)
                .bindList("sessions", sessions)
                .bind("by", Timestamp.from(by))
                .bind("limit", limit)
                .map((rs, ctx) -> new Deferred(rs.getString(1), rs.getString(2), instant(rs, 3)))
                .list());
    }

    /**
     * Forgets the first decision on a waiting message, so that it is decided again now; the message stays on
     * the waiting list until {@link #undefer}, so a node that dies meanwhile leaves it for the next try.
     *
     * @return false when the message no longer waits
     */
    public boolean resume(String session, String waMessageId) {
        return jdbi.inTransaction(h -> {
            boolean waits = h.createQuery("""
                            SELECT EXISTS (SELECT 1 FROM deferred_messages
                                            WHERE session_id = (SELECT id FROM sessions WHERE name = :session)
                                              AND wa_message_id = :wa)
                            """)
                    .bind("session", session)
                    .bind("wa", waMessageId)
                    .mapTo(Boolean.class)
                    .one();
            if (waits) {
                h.createUpdate("""
                                DELETE FROM assistant_turns
                                 WHERE session_id = (SELECT id FROM sessions WHERE name = :session)
                                   AND wa_message_id = :wa
                                """)
                        .bind("session", session)
                        .bind("wa", waMessageId)
                        .execute();
            }
            return waits;
        });
    }

    /** The waiting message was answered: it leaves the waiting list. */
    public void undefer(String session, String waMessageId) {
        jdbi.useHandle(h -> h.createUpdate("""
                        DELETE FROM deferred_messages
                         WHERE session_id = (SELECT id FROM sessions WHERE name = :session) AND wa_message_id = :wa
                        """)
                .bind("session", session)
                .bind("wa", waMessageId)
                .execute());
    }

    static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    static LocalDate date(ResultSet rs, int col) throws SQLException {
        Date d = rs.getDate(col);
        return d == null ? null : d.toLocalDate();
    }
}
