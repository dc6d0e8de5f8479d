package io.wagw.store.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.wagw.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
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

    /** How long an orphaned embedded server gets for a fast shutdown before an immediate one. */
    private static final Duration ORPHAN_STOP = Duration.ofSeconds(30);

    /**
     * Connections kept for lease renewals alone: a node's renewal round (one statement for all its sessions)
     * and a lease renewed on its own when the round did not renew it. In the shared pool a renewal waited
     * behind whatever held its connections (a burst of session starts, snapshot loads, inbound batches), and a
     * renewal late by the TTL less the switch's margin kills every browser of the node.
     */
    static final int LEASE_POOL_SIZE = 2;

    private final Embedded embedded;
    private final HikariDataSource dataSource;
    private final HikariDataSource leaseDataSource;
    private final String jdbcUrl;
    private final int schemaVersion;

    private final DataFolderLock folderLock;

    /** The embedded server with what ties it to this process (the watchdog) and its superuser's password. */
    private record Embedded(EmbeddedPostgres server, Postmaster.Watchdog watchdog, String password) {}

    private Postgres(
            DataFolderLock folderLock,
            Embedded embedded,
            HikariDataSource dataSource,
            HikariDataSource leaseDataSource,
            String jdbcUrl,
            int schemaVersion) {
        this.folderLock = folderLock;
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.leaseDataSource = leaseDataSource;
        this.jdbcUrl = jdbcUrl;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Starts (or connects to) PostgreSQL and applies pending migrations. The data folder is this process's
     * while the store is open (the embedded server, the master key and the node's inbound spool live there):
     * a folder another live process holds is refused with {@link DataFolderLock.FolderInUse}.
     */
    public static Postgres start(StoreConfig config) {
        DataFolderLock lock = DataFolderLock.acquire(config.dataDir());
        Embedded embedded = null;
        HikariDataSource ds = null;
        HikariDataSource leaseDs = null;
        try {
            String url;
            String user;
            String password;
            if (config.dbUrl().isPresent()) {
                url = config.dbUrl().get();
                user = config.dbUser().orElse(null);
                password = config.dbPassword().orElse(null);
            } else {
                embedded = startEmbedded(config.dataDir());
                url = embedded.server().getJdbcUrl("postgres", "postgres");
                user = "postgres";
                password = embedded.password();
            }
            ds = pool(url, user, password, config.poolSize(), "gw-store", 2);
            int version = Migrations.apply(ds);
            leaseDs = pool(url, user, password, LEASE_POOL_SIZE, "gw-leases", 1);
            log.info("PostgreSQL ready ({}), schema version {}", embedded != null ? "embedded" : "external", version);
            return new Postgres(lock, embedded, ds, leaseDs, url, version);
        } catch (RuntimeException e) {
            if (leaseDs != null) {
                leaseDs.close();
            }
            if (ds != null) {
                ds.close();
            }
            closeQuietly(embedded);
            lock.close();
            throw e;
        }
    }

    /**
     * Starts the embedded server in {@code dataDir/postgres} (with the folder's lock held): stops a server an
     * earlier (crashed) node process left running, and ties the new server to this process.
     */
    private static Embedded startEmbedded(Path dataDir) {
        Path dir = dataDir.resolve("postgres").toAbsolutePath();
        EmbeddedPostgres server = null;
        try {
            Files.createDirectories(dir);
            String password = EmbeddedAuth.password(dataDir);
            Postmaster.stopOrphan(dir, ORPHAN_STOP);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // the owner closes it, after its sessions stopped writing (a hook of its own would race them)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "200")
                    // the library turns this off by default; a message is stored only once it is on disk
                    .setServerConfig("synchronous_commit", "on")
                    // the library starts the server with -F (fsync off): a commit would then reach the OS, not the disk
                    .setServerConfig("fsync", "on")
                    // loopback TCP only (the library's own readiness check connects there), no Unix socket
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("unix_socket_directories", "''")
                    .setConnectConfig("password", password)
                    .start();
            var watchdog = Postmaster.watch(dir);
            EmbeddedAuth.requirePassword(server, dir, password);
            return new Embedded(server, watchdog, password);
        } catch (IOException e) {
            closeQuietly(new Embedded(server, null, null));
            throw new UncheckedIOException(
                    "could not start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(new Embedded(server, null, null));
            throw e;
        }
    }

    private static HikariDataSource pool(
            String url, String user, String password, int poolSize, String name, int minimumIdle) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(minimumIdle, poolSize));
        hc.setPoolName(name);
        // while the database is away, callers learn it within 5 s (inbound messages then go to the spool)
        hc.setConnectionTimeout(5_000);
        // the server's DETAIL quotes values (Key (name)=(...) already exists): keep it out of exception messages
        hc.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(hc);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The connections for lease renewals alone ({@value #LEASE_POOL_SIZE}), apart from {@link #dataSource}. */
    public DataSource leaseDataSource() {
        return leaseDataSource;
    }

    /** The JDBC URL in use (without credentials). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public boolean embedded() {
        return embedded != null;
    }

    /** The embedded server's superuser password (also in {@code dataDir/postgres.password}); empty for an external one. */
    public Optional<String> embeddedPassword() {
        return Optional.ofNullable(embedded).map(Embedded::password);
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public void close() {
        leaseDataSource.close();
        dataSource.close();
        closeQuietly(embedded);
        folderLock.close();
    }

    /** Stops the server, then lets its watchdog go (it finds the server gone). */
    private static void closeQuietly(Embedded pg) {
        if (pg == null) {
            return;
        }
        try {
            if (pg.server() != null) {
                pg.server().close();
            }
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly", e);
        } finally {
            if (pg.watchdog() != null) {
                pg.watchdog().close();
            }
        }
    }
}
