package io.wagw.store.session;

import io.wagw.store.Json;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import io.wagw.store.lease.Leases;
import io.wagw.store.lease.SessionLease;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Session records. Configuration is managed by the API; status and own id are runtime state, written
 * only by the lease holder (fenced).
 */
public final class Sessions {
    private final Jdbi jdbi;

    public Sessions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates a {@code STOPPED} session for a tenant; names are unique across the cluster. */
    public Session create(String tenant, String name, Map<String, ?> config) {
        Validation.slug(tenant);
        Validation.sessionName(name);
        String json = Json.fromMap("config", config);
        return jdbi.inTransaction(h -> {
            var t = h.createQuery("SELECT id, status FROM tenants WHERE slug = :slug FOR SHARE")
                    .bind("slug", tenant)
                    .mapToMap()
                    .findOne()
                    .orElseThrow(() -> new StoreException.NotFound("tenant", "unknown tenant '%s'".formatted(tenant)));
            if ("deleted".equals(t.get("status"))) {
                throw new StoreException.InvalidState("tenant", "tenant '%s' is deleted".formatted(tenant));
            }
            return h.attach(SessionDao.class)
                    .insert(((Number) t.get("id")).longValue(), name, json)
                    .orElseThrow(
                            () -> new StoreException.Duplicate("name", "session '%s' already exists".formatted(name)));
        });
    }

    public Session get(String name) {
        Validation.sessionName(name);
        return jdbi.withExtension(SessionDao.class, dao -> dao.find(name)).orElseThrow(() -> unknown(name));
    }

    public List<Session> listByTenant(String tenant) {
        Validation.slug(tenant);
        return jdbi.withExtension(SessionDao.class, dao -> dao.listByTenant(tenant));
    }

    public List<Session> listAll() {
        return jdbi.withExtension(SessionDao.class, SessionDao::listAll);
    }

    public Session updateConfig(String name, Map<String, ?> config) {
        Validation.sessionName(name);
        String json = Json.fromMap("config", config);
        return jdbi.inTransaction(h -> {
            var dao = h.attach(SessionDao.class);
            if (dao.updateConfig(name, json) == 0) {
                throw unknown(name);
            }
            return dao.find(name).orElseThrow(() -> unknown(name));
        });
    }

    /** Records whether the session should run (a start or stop request); restarts bring wanted sessions back. */
    public void setDesiredRunning(String name, boolean running) {
        Validation.sessionName(name);
        if (jdbi.withExtension(SessionDao.class, dao -> dao.setDesired(name, running)) == 0) {
            throw unknown(name);
        }
    }

    /** The sessions that should run, by name. */
    public List<String> desiredRunning() {
        return jdbi.withExtension(SessionDao.class, SessionDao::desiredRunning);
    }

    /** The sessions that should run and last ran on {@code node} (or never ran anywhere). */
    public List<String> desiredRunningLastOn(String node) {
        Validation.nodeId(node);
        return jdbi.withExtension(SessionDao.class, dao -> dao.desiredRunningLastOn(node));
    }

    /** Records a status transition; only the holder of the current lease may. */
    public Session recordStatus(SessionLease lease, SessionStatus status, String reason) {
        if (status == null) {
            throw new StoreException.InvalidInput("status", "status is required");
        }
        return jdbi.inTransaction(h -> {
            long id = Leases.fence(h, lease);
            var dao = h.attach(SessionDao.class);
            dao.updateStatus(id, status, Validation.storable(reason));
            return dao.find(lease.session()).orElseThrow(() -> unknown(lease.session()));
        });
    }

    /** Records the session's own WhatsApp id and push name once linked; fenced by the lease. */
    public Session recordMe(SessionLease lease, String meId, String pushName) {
        if (!Validation.isUserWid(meId)) {
            throw new StoreException.InvalidInput("meId", "meId must look like '<digits>@c.us'");
        }
        return jdbi.inTransaction(h -> {
            long id = Leases.fence(h, lease);
            var dao = h.attach(SessionDao.class);
            dao.updateMe(id, meId, Validation.storable(pushName));
            return dao.find(lease.session()).orElseThrow(() -> unknown(lease.session()));
        });
    }

    /** When the session's number was linked (set by {@link #recordMe} when the number changes); empty when not linked. */
    public Optional<Instant> linkedAt(String name) {
        Validation.sessionName(name);
        return jdbi.withExtension(SessionDao.class, dao -> dao.linkedAt(name)).map(OffsetDateTime::toInstant);
    }

    /** What pairing links of the session are signed over: its row id and its link generation. */
    public PairIncarnation pairIncarnation(String name) {
        Validation.sessionName(name);
        return jdbi.withExtension(SessionDao.class, dao -> dao.pairIncarnation(name))
                .orElseThrow(() -> unknown(name));
    }

    /** Revokes every pairing link issued for the session so far. */
    public PairIncarnation revokePairLinks(String name) {
        Validation.sessionName(name);
        return jdbi.withExtension(SessionDao.class, dao -> dao.nextPairGeneration(name))
                .orElseThrow(() -> unknown(name));
    }

    /** Forgets the own WhatsApp id after a logout; fenced by the lease. */
    public Session clearMe(SessionLease lease) {
        return jdbi.inTransaction(h -> {
            long id = Leases.fence(h, lease);
            var dao = h.attach(SessionDao.class);
            dao.updateMe(id, null, null);
            return dao.find(lease.session()).orElseThrow(() -> unknown(lease.session()));
        });
    }

    /**
     * Deletes a session with its snapshots, messages, keys and lease. Refused while a node holds a
     * live lease on it: stop it first.
     */
    public void delete(String name) {
        Validation.sessionName(name);
        jdbi.useTransaction(h -> {
            var id = h.createQuery("SELECT id FROM sessions WHERE name = :n FOR UPDATE")
                    .bind("n", name)
                    .mapTo(Long.class)
                    .findOne()
                    .orElseThrow(() -> unknown(name));
            boolean leased = h.createQuery("""
                    SELECT count(*) FROM session_leases
                     WHERE session_id = :id AND owner_node IS NOT NULL AND expires_at > clock_timestamp()
                    """).bind("id", id).mapTo(Long.class).one() > 0;
            if (leased) {
                throw new StoreException.InvalidState(
                        "name", "session '%s' is running; stop it before deleting".formatted(name));
            }
            h.attach(SessionDao.class).delete(name);
        });
    }

    static StoreException.NotFound unknown(String name) {
        return new StoreException.NotFound("session", "unknown session '%s'".formatted(name));
    }
}
