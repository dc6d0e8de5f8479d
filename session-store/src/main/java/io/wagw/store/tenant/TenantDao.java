package io.wagw.store.tenant;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

@RegisterConstructorMapper(Tenant.class)
interface TenantDao {

    @SqlQuery("""
            INSERT INTO tenants (slug, display_name, plan)
            VALUES (:slug, :displayName, :plan)
            ON CONFLICT (slug) DO NOTHING
            RETURNING *
            """)
    Optional<Tenant> insert(
            @Bind("slug") String slug, @Bind("displayName") String displayName, @Bind("plan") String plan);

    @SqlQuery("SELECT * FROM tenants WHERE slug = :slug")
    Optional<Tenant> find(@Bind("slug") String slug);

    @SqlQuery("SELECT * FROM tenants ORDER BY slug")
    List<Tenant> list();

    @SqlQuery("SELECT * FROM tenants WHERE slug = ANY(:slugs)")
    List<Tenant> findAll(@Bind("slugs") String[] slugs);

    @SqlQuery("""
            UPDATE tenants SET status = :status, updated_at = clock_timestamp()
            WHERE slug = :slug
            RETURNING *
            """)
    Optional<Tenant> setStatus(@Bind("slug") String slug, @Bind("status") TenantStatus status);
}
