package io.wagw.store.session;

import io.wagw.store.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a sessions row (joined with its tenant's slug); the JSONB config arrives as text. */
public final class SessionRowMapper implements RowMapper<Session> {
    @Override
    public Session map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Session(
                rs.getLong("id"),
                rs.getString("tenant"),
                rs.getString("name"),
                SessionStatus.valueOf(rs.getString("status")),
                rs.getString("status_reason"),
                Json.toMap(rs.getString("config")),
                rs.getString("me_id"),
                rs.getString("me_push_name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
