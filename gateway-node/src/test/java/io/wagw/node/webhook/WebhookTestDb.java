package io.wagw.node.webhook;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.wagw.node.testing.TestEnv;
import io.wagw.store.webhook.WebhookOutbox;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** The outbox on the shared test database (until {@code SessionStore} exposes one). */
final class WebhookTestDb {
    private static Jdbi jdbi;
    private static WebhookOutbox outbox;

    private WebhookTestDb() {}

    static synchronized WebhookOutbox outbox() {
        if (outbox == null) {
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(TestEnv.store().jdbcUrl());
            hc.setPassword(TestEnv.store().embeddedPassword().orElseThrow());
            hc.setUsername("postgres");
            hc.setMaximumPoolSize(10);
            hc.setPoolName("webhook-test");
            jdbi = Jdbi.create(new HikariDataSource(hc))
                    .installPlugin(new SqlObjectPlugin())
                    .installPlugin(new PostgresPlugin());
            outbox = new WebhookOutbox(jdbi);
        }
        return outbox;
    }

    /** Makes the table refuse rows whose URL contains {@code marker}, until closed. */
    static AutoCloseable refuseUrlsContaining(String marker) {
        outbox();
        jdbi.useHandle(h -> h.createUpdate(
                        "ALTER TABLE webhook_deliveries ADD CONSTRAINT test_refused_urls CHECK (url NOT LIKE '%"
                                + marker.replace("'", "''") + "%') NOT VALID")
                .execute());
        return () -> jdbi.useHandle(h -> h.execute("ALTER TABLE webhook_deliveries DROP CONSTRAINT test_refused_urls"));
    }

    /**
     * Retires rows other tests left unfinished: claims are cluster-wide, so a dispatcher under test
     * would otherwise send them too.
     */
    static void retireUnfinishedRows() {
        outbox();
        jdbi.useHandle(h -> h.execute("""
                UPDATE webhook_deliveries SET status = 'dead', claim_token = NULL, claim_expires_at = NULL
                 WHERE status IN ('pending', 'delivering')
                """));
    }
}
