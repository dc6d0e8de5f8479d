package io.wagw.store.session;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterRowMapper(SessionRowMapper.class)
interface SessionDao {
    String COLUMNS = """
            s.id, t.slug AS tenant, s.name, s.status, s.status_reason, s.config::text AS config,
            s.me_id, s.me_push_name, s.created_at, s.updated_at
            """;

    @SqlQuery("""
            WITH inserted AS (
                INSERT INTO sessions (tenant_id, name, config)
                VALUES (:tenantId, :name, CAST(:config AS jsonb))
                ON CONFLICT (name) DO NOTHING
                RETURNING *
            )
            SELECT s.id, t.slug AS tenant, s.name, s.status, s.status_reason, s.config::text AS config,
                   s.me_id, s.me_push_name, s.created_at, s.updated_at
            FROM inserted s JOIN tenants t ON t.id = s.tenant_id
            """)
    Optional<Session> insert(
            @Bind("tenantId") long tenantId, @Bind("name") String name, @Bind("config") String configJson);

    @SqlQuery("SELECT " + COLUMNS + " FROM sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.name = :name")
    Optional<Session> find(@Bind("name") String name);

    @SqlQuery("SELECT " + COLUMNS
            + " FROM sessions s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = :tenant ORDER BY s.name")
    List<Session> listByTenant(@Bind("tenant") String tenant);

    @SqlQuery("SELECT " + COLUMNS + " FROM sessions s JOIN tenants t ON t.id = s.tenant_id ORDER BY s.name")
    List<Session> listAll();

    @SqlUpdate("UPDATE sessions SET config = CAST(:config AS jsonb), updated_at = clock_timestamp() WHERE name = :name")
    int updateConfig(@Bind("name") String name, @Bind("config") String configJson);

    @SqlUpdate("""
            UPDATE sessions SET status = :status, status_reason = :reason, updated_at = clock_timestamp()
            WHERE id = :id
            """)
    int updateStatus(@Bind("id") long id, @Bind("status") SessionStatus status, @Bind("reason") String reason);

    @SqlUpdate("""
            UPDATE sessions
               SET linked_at = CASE WHEN CAST(:meId AS text) IS NULL THEN NULL
                                    WHEN me_id IS DISTINCT FROM CAST(:meId AS text) OR linked_at IS NULL THEN clock_timestamp()
                                    ELSE linked_at END,
                   me_id = :meId, me_push_name = :pushName, updated_at = clock_timestamp()
             WHERE id = :id
            """)
    int updateMe(@Bind("id") long id, @Bind("meId") String meId, @Bind("pushName") String pushName);

    @SqlQuery("SELECT id AS session_id, pair_generation AS generation FROM sessions WHERE name = :name")
    @RegisterConstructorMapper(PairIncarnation.class)
    Optional<PairIncarnation> pairIncarnation(@Bind("name") String name);

    @SqlQuery("""
            UPDATE sessions SET pair_generation = pair_generation + 1 WHERE name = :name
            RETURNING id AS session_id, pair_generation AS generation
            """)
    @RegisterConstructorMapper(PairIncarnation.class)
    Optional<PairIncarnation> nextPairGeneration(@Bind("name") String name);

    @SqlQuery("SELECT linked_at FROM sessions WHERE name = :name AND linked_at IS NOT NULL")
    Optional<OffsetDateTime> linkedAt(@Bind("name") String name);

    @SqlUpdate("UPDATE sessions SET desired_running = :running, updated_at = clock_timestamp() WHERE name = :name")
    int setDesired(@Bind("name") String name, @Bind("running") boolean running);

    @SqlQuery("SELECT name FROM sessions WHERE desired_running ORDER BY name")
    List<String> desiredRunning();

    @SqlQuery("""
            SELECT s.name FROM sessions s LEFT JOIN session_leases l ON l.session_id = s.id
             WHERE s.desired_running AND (l.last_owner IS NULL OR l.last_owner = :node)
             ORDER BY s.name
            """)
    List<String> desiredRunningLastOn(@Bind("node") String node);

    @SqlUpdate("DELETE FROM sessions WHERE name = :name")
    int delete(@Bind("name") String name);
}
