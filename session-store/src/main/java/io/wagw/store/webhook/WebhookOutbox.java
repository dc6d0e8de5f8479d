package io.wagw.store.webhook;

import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable webhook outbox. Events are enqueued as one row per (event, webhook); dispatchers on any
 * node {@link #claimDue claim} due rows for a limited time, POST them and mark the outcome.
 *
 * <p>Guarantees: a row is never claimed by two claimers at once, and a claim whose node died lapses, so
 * the row is tried again (at-least-once: a node that died after the receiver got the request but before
 * marking causes a repeat with the same request id). For one session and one webhook URL, only the
 * oldest unfinished row is ever due, so that webhook receives the session's events one at a time, in
 * enqueue order; a dead row stops blocking its successors. All times come from PostgreSQL's clock.
 */
public final class WebhookOutbox {
    public static final int MAX_LIST = 1000;
    public static final int MAX_CLAIM = 1000;
    static final int MAX_BODY = 1 << 20;
    static final Duration MIN_LEASE = Duration.ofMillis(100);
    static final Duration MAX_LEASE = Duration.ofHours(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofDays(1);
    private static final Set<String> POLICIES = Set.of("constant", "linear", "exponential");
    private static final Pattern EVENT = Pattern.compile("[a-z*][a-z0-9._*-]{0,63}");
    private static final int MAX_ERROR = 500;

    private final Jdbi jdbi;

    public WebhookOutbox(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Enqueues the deliveries of one event (one per subscribed webhook) atomically: all rows or none.
     * They are due at once.
     *
     * @return the stored rows, in the order given
     */
    public List<WebhookDelivery> enqueue(String session, List<NewDelivery> deliveries) {
        Validation.sessionName(session);
        if (deliveries == null || deliveries.isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < deliveries.size(); i++) {
            validate("deliveries[" + i + "]", deliveries.get(i));
        }
        return jdbi.inTransaction(h -> {
            var dao = h.attach(WebhookDao.class);
            long sessionId = requireSession(dao, session);
            List<WebhookDelivery> stored = new ArrayList<>(deliveries.size());
            for (NewDelivery d : deliveries) {
                stored.add(dao.insert(
                        sessionId,
                        d.url(),
                        d.event(),
                        d.requestId(),
                        d.body(),
                        d.hmacKey(),
                        DeliveryRowMapper.headersJson(d.headers()),
                        d.retry().maxAttempts(),
                        d.retry().policy(),
                        d.retry().delay().toMillis()));
            }
            return stored;
        });
    }

    /**
     * Claims up to {@code limit} due rows for {@code node} until {@code lease} has passed; each claim
     * counts as an attempt. Rows claimed by another live claim are skipped, never waited for. A claim
     * that lapsed during the row's last allowed attempt makes the row dead instead.
     *
     * @return the claimed rows (status {@code delivering}), oldest due first
     */
    public List<WebhookDelivery> claimDue(String node, int limit, Duration lease) {
        Validation.nodeId(node);
        if (limit < 1 || limit > MAX_CLAIM) {
            throw new StoreException.InvalidInput("limit", "limit must be between 1 and " + MAX_CLAIM);
        }
        if (lease == null || lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw new StoreException.InvalidInput(
                    "lease",
                    "lease must be between %d ms and %d min".formatted(MIN_LEASE.toMillis(), MAX_LEASE.toMinutes()));
        }
        List<WebhookDelivery> claimed = jdbi.inTransaction(h -> {
            var dao = h.attach(WebhookDao.class);
            dao.buryLapsedLastAttempts();
            return new ArrayList<>(dao.claim(node, limit, lease.toMillis()));
        });
        // UPDATE ... RETURNING does not keep the CTE's order.
        claimed.sort((a, b) -> a.nextAttemptAt().equals(b.nextAttemptAt())
                ? Long.compare(a.id(), b.id())
                : a.nextAttemptAt().compareTo(b.nextAttemptAt()));
        return claimed;
    }

    /**
     * Records that the receiver accepted a claimed row.
     *
     * @return the delivered row, or empty when the caller's claim was taken over (the row lapsed and
     *         another claimer holds it now); nothing is written then
     */
    public Optional<WebhookDelivery> markDelivered(WebhookDelivery claimed, int httpStatus) {
        requireClaim(claimed);
        return jdbi.withExtension(
                WebhookDao.class, dao -> dao.markDelivered(claimed.id(), claimed.claimToken(), httpStatus));
    }

    /**
     * Records a failed attempt of a claimed row: it becomes due again after {@code retryAfter}, or dead
     * when {@code retryAfter} is null (not worth retrying) or this was its last allowed attempt.
     *
     * @param httpStatus the receiver's status, or null when there was no answer (timeout, refused, ...)
     * @param error      a short reason without secrets or message content; truncated to 500 characters
     * @return the row as now stored ({@code pending} or {@code dead}), or empty when the caller's claim
     *         was taken over; nothing is written then
     */
    public Optional<WebhookDelivery> markFailed(
            WebhookDelivery claimed, Integer httpStatus, String error, Duration retryAfter) {
        requireClaim(claimed);
        if (retryAfter != null && (retryAfter.isNegative() || retryAfter.compareTo(MAX_RETRY_DELAY) > 0)) {
            throw new StoreException.InvalidInput("retryAfter", "retryAfter must be between 0 and 1 day");
        }
        String reason = error == null || error.isBlank() ? "failed" : Validation.storable(error.strip());
        String shortReason = reason.length() <= MAX_ERROR ? reason : reason.substring(0, MAX_ERROR - 3) + "...";
        Long retryMs = retryAfter == null ? null : retryAfter.toMillis();
        return jdbi.withExtension(
                WebhookDao.class,
                dao -> dao.markFailed(claimed.id(), claimed.claimToken(), httpStatus, shortReason, retryMs));
    }

    /**
     * The newest rows of a session, newest first.
     *
     * @param status only rows in this status (e.g. {@code dead} for the dead letters), or null for all
     */
    public List<WebhookDelivery> listBySession(String session, DeliveryStatus status, int limit) {
        Validation.sessionName(session);
        if (limit < 1 || limit > MAX_LIST) {
            throw new StoreException.InvalidInput("limit", "limit must be between 1 and " + MAX_LIST);
        }
        return jdbi.inTransaction(h -> {
            var dao = h.attach(WebhookDao.class);
            return dao.listBySession(requireSession(dao, session), status == null ? null : status.value(), limit);
        });
    }

    /** How many rows of a session are in each status (every status present, zero when none). */
    public Map<DeliveryStatus, Long> countsBySession(String session) {
        Validation.sessionName(session);
        return jdbi.inTransaction(h -> {
            var dao = h.attach(WebhookDao.class);
            Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
            for (DeliveryStatus s : DeliveryStatus.values()) {
                counts.put(s, 0L);
            }
            for (var c : dao.countBySession(requireSession(dao, session))) {
                counts.put(DeliveryStatus.fromValue(c.status()), c.count());
            }
            return Collections.unmodifiableMap(counts);
        });
    }

    /**
     * Re-queues a dead row of a session with a fresh retry plan, due now.
     *
     * @throws StoreException.NotFound     when the session has no such row
     * @throws StoreException.InvalidState when the row is not dead
     */
    public WebhookDelivery retry(String session, long id) {
        Validation.sessionName(session);
        return jdbi.inTransaction(h -> {
            var dao = h.attach(WebhookDao.class);
            long sessionId = requireSession(dao, session);
            return dao.requeue(sessionId, id).orElseGet(() -> {
                var row = dao.find(sessionId, id)
                        .orElseThrow(() -> new StoreException.NotFound(
                                "id", "session '%s' has no webhook delivery %d".formatted(session, id)));
                throw new StoreException.InvalidState(
                        "id",
                        "webhook delivery %d is %s; only dead deliveries can be retried".formatted(id, row.status()));
            });
        });
    }

    /** Re-queues every dead row of a session; returns how many. */
    public int retryAllDead(String session) {
        Validation.sessionName(session);
        return jdbi.inTransaction(h -> {
            var dao = h.attach(WebhookDao.class);
            return dao.requeueAllDead(requireSession(dao, session));
        });
    }

    /** Deletes rows delivered more than {@code olderThan} ago; returns how many. Dead rows are kept. */
    public int purgeDelivered(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new StoreException.InvalidInput("olderThan", "olderThan must be zero or positive");
        }
        return jdbi.withExtension(WebhookDao.class, dao -> dao.purgeDelivered(olderThan.toMillis()));
    }

    private static long requireSession(WebhookDao dao, String session) {
        return dao.sessionId(session)
                .orElseThrow(() -> new StoreException.NotFound("session", "unknown session '%s'".formatted(session)));
    }

    private static void requireClaim(WebhookDelivery claimed) {
        if (claimed == null || claimed.claimToken() == null) {
            throw new StoreException.InvalidState("claim", "only a claimed delivery can be marked");
        }
    }

    private static void validate(String prefix, NewDelivery d) {
        if (d == null) {
            throw new StoreException.InvalidInput(prefix, prefix + " is required");
        }
        requireHttpUrl(prefix + ".url", d.url());
        if (d.event() == null || !EVENT.matcher(d.event()).matches()) {
            throw new StoreException.InvalidInput(
                    prefix + ".event", prefix + ".event must be an event name like 'message.ack'");
        }
        requireLength(prefix + ".requestId", d.requestId(), 200);
        requireLength(prefix + ".body", d.body(), MAX_BODY);
        if (d.hmacKey() != null) {
            requireLength(prefix + ".hmacKey", d.hmacKey(), 1024);
        }
        for (int i = 0; i < d.headers().size(); i++) {
            WebhookHeader header = d.headers().get(i);
            String field = prefix + ".headers[" + i + "]";
            if (header == null) {
                throw new StoreException.InvalidInput(field, field + " is required");
            }
            requireLength(field + ".name", header.name(), 200);
            if (header.value() == null) {
                throw new StoreException.InvalidInput(field + ".value", field + ".value is required");
            }
        }
        RetryPlan retry = d.retry();
        if (retry == null) {
            throw new StoreException.InvalidInput(prefix + ".retry", prefix + ".retry is required");
        }
        if (retry.maxAttempts() < 1 || retry.maxAttempts() > 100) {
            throw new StoreException.InvalidInput(
                    prefix + ".retry.maxAttempts", "maxAttempts must be between 1 and 100");
        }
        if (!POLICIES.contains(retry.policy())) {
            throw new StoreException.InvalidInput(prefix + ".retry.policy", "policy must be one of " + POLICIES);
        }
        if (retry.delay() == null
                || retry.delay().toMillis() < 1
                || retry.delay().compareTo(MAX_RETRY_DELAY) > 0) {
            throw new StoreException.InvalidInput(prefix + ".retry.delay", "delay must be between 1 ms and 1 day");
        }
    }

    private static void requireHttpUrl(String field, String url) {
        requireLength(field, url, 2048);
        try {
            URI uri = new URI(url);
            // As the table's check has it (url ~ '^https?://'): a row refused there would fail its whole event.
            if (!(url.startsWith("http://") || url.startsWith("https://")) || uri.getHost() == null) {
                throw new StoreException.InvalidInput(
                        field, field + " must be an absolute http:// or https:// URL (scheme in lower case)");
            }
        } catch (URISyntaxException e) {
            throw new StoreException.InvalidInput(field, field + " is not a valid URL");
        }
    }

    private static void requireLength(String field, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw new StoreException.InvalidInput(field, field + " is required");
        }
        if (value.length() > max) {
            throw new StoreException.InvalidInput(field, "%s must be at most %d characters".formatted(field, max));
        }
    }
}
