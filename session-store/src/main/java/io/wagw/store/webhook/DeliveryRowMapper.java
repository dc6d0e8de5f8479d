package io.wagw.store.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a webhook_deliveries row (with its session's name); the JSONB headers arrive as text. */
public final class DeliveryRowMapper implements RowMapper<WebhookDelivery> {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<WebhookHeader>> HEADERS = new TypeReference<>() {};

    @Override
    public WebhookDelivery map(ResultSet rs, StatementContext ctx) throws SQLException {
        int lastStatus = rs.getInt("last_http_status");
        Integer lastHttpStatus = rs.wasNull() ? null : lastStatus;
        return new WebhookDelivery(
                rs.getLong("id"),
                rs.getString("session"),
                rs.getString("url"),
                rs.getString("event"),
                rs.getString("request_id"),
                rs.getString("body"),
                rs.getString("hmac_key"),
                headers(rs.getString("headers")),
                new RetryPlan(
                        rs.getInt("max_attempts"),
                        rs.getString("retry_policy"),
                        Duration.ofMillis(rs.getLong("retry_delay_ms"))),
                rs.getInt("attempts"),
                DeliveryStatus.fromValue(rs.getString("status")),
                instant(rs, "next_attempt_at"),
                rs.getString("claimed_by"),
                rs.getObject("claim_token", UUID.class),
                instant(rs, "claim_expires_at"),
                rs.getString("last_error"),
                lastHttpStatus,
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "delivered_at"));
    }

    static String headersJson(List<WebhookHeader> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("headers are not serialisable", e);
        }
    }

    private static List<WebhookHeader> headers(String json) {
        try {
            return JSON.readValue(json, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored webhook headers are not a list of {name, value}", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
