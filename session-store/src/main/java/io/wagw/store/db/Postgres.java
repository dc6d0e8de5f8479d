package io.wagw.store.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.wagw.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one class that knows how PostgreSQL is reached: an embedded server in the data folder (the
 * default, keeping its data across restarts) or an external server by URL. Migrates the schema with
 * Flyway ({@link Migrations}) before anyone uses it.
 */
public final class Postgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Postgres.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final String jdbcUrl;
    private final int schemaVersion;

    private Postgres(EmbeddedPostgres embedded, HikariDataSource dataSource, String jdbcUrl, int schemaVersion) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.jdbcUrl = jdbcUrl;
        this.schemaVersion = schemaVersion;
    }

    /** Starts (or connects to) PostgreSQL and applies pending migrations. */
    public static Postgres start(StoreConfig config) {
        EmbeddedPostgres embedded = null;
        String url;
        String user;
        String password;
        if (config.dbUrl().isPresent()) {
            url = config.dbUrl().get();
            user = config.dbUser().orElse(null);
            password = config.dbPassword().orElse(null);
        } else {
            embedded = startEmbedded(config.dataDir().resolve("postgres"));
            url = embedded.getJdbcUrl("postgres", "postgres");
            user = "postgres";
            password = null;
        }
        HikariDataSource ds = null;
        try {
            ds = pool(url, user, password, config.poolSize());
            int version = Migrations.apply(ds);
            log.info("PostgreSQL ready ({}), schema version {}", embedded != null ? "embedded" : "external", version);
            return new Postgres(embedded, ds, url, version);
        } catch (RuntimeException e) {
            if (ds != null) {
                ds.close();
            }
            closeQuietly(embedded);
            throw e;
        }
    }

    private static EmbeddedPostgres startEmbedded(Path dir) {
        try {
            Files.createDirectories(dir);
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // the owner closes it, after its sessions stopped writing (a hook of its own would race them)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "200")
                    // the library turns this off by default; a message is stored only once it is on disk
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static HikariDataSource pool(String url, String user, String password, int poolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setPoolName("gw-store");
        hc.setConnectionTimeout(10_000);
        return new HikariDataSource(hc);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL in use (without credentials). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public boolean embedded() {
        return embedded != null;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public void close() {
        dataSource.close();
        closeQuietly(embedded);
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        if (pg == null) {
            return;
        }
        try {
            pg.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
