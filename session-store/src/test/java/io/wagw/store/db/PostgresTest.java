package io.wagw.store.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.TestStore;
import io.wagw.store.lease.SessionLease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresTest {
    @TempDir
    Path dataDir;

    /** The highest version among the migrations shipped (V<n>__*.sql). */
    private static int newestMigration() {
        try (var files = Files.list(
                Path.of(PostgresTest.class.getResource("/db/migration").toURI()))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .max()
                    .orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theEmbeddedDatabaseKeepsItsDataAndKeyAcrossRestarts() {
        String keyId;
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThat(store.embedded()).isTrue();
            assertThat(store.schemaVersion()).as("every migration applied").isEqualTo(newestMigration());
            store.tenants().create("persisted", "Persisted", "free");
            store.sessions().create("persisted", "persisted-1", Map.of());
            SessionLease lease = store.leases()
                    .acquire("persisted-1", "node-a", Duration.ofSeconds(1))
                    .orElseThrow();
            store.snapshots().save(lease, "linked device".getBytes(StandardCharsets.UTF_8));
            keyId = store.masterKeyId();
        }
        assertThat(Files.exists(dataDir.resolve("master.key"))).isTrue();
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThat(store.masterKeyId()).isEqualTo(keyId);
            assertThat(store.tenants().get("persisted").displayName()).isEqualTo("Persisted");
            assertThat(new String(
                            store.snapshots()
                                    .latest("persisted-1")
                                    .orElseThrow()
                                    .state(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("linked device");
        }
    }

    @Test
    void theEmbeddedServerRequiresItsGeneratedPassword() throws Exception {
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            Path file = dataDir.resolve("postgres.password");
            assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                    .containsExactlyInAnyOrder(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            String password = java.nio.file.Files.readString(file).trim();
            assertThat(store.embeddedPassword()).contains(password);
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(store.jdbcUrl(), "postgres", "")
                            .close())
                    .as("no password")
                    .isInstanceOf(java.sql.SQLException.class);
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(
                                    store.jdbcUrl(), "postgres", "wrong-password-123")
                            .close())
                    .as("a wrong one")
                    .isInstanceOf(java.sql.SQLException.class);
            try (var c = java.sql.DriverManager.getConnection(store.jdbcUrl(), "postgres", password);
                    var rs = c.createStatement().executeQuery("SHOW unix_socket_directories")) {
                rs.next();
                assertThat(rs.getString(1)).as("no Unix socket").isEmpty();
            }
        }
        try (var again = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThat(again.reachable())
                    .as("the next start uses the same password")
                    .isTrue();
        }
    }

    @Test
    void aServerGivenByUrlIsUsedInsteadOfTheEmbeddedOne() {
        var shared = TestStore.get();
        var config = StoreConfig.embedded(dataDir)
                .withDbUrl(
                        shared.jdbcUrl(), "postgres", shared.embeddedPassword().orElseThrow())
                .withMasterKeyFile(TestStore.dataDir().resolve("master.key"));
        try (var viaUrl = SessionStore.open(config)) {
            assertThat(viaUrl.embedded()).isFalse();
            assertThat(viaUrl.reachable()).isTrue();
            String tenant = TestStore.unique("url");
            viaUrl.tenants().create(tenant, "Via URL", "free");
            assertThat(shared.tenants().get(tenant).displayName()).isEqualTo("Via URL");
            assertThat(viaUrl.masterKeyId()).isEqualTo(shared.masterKeyId());
        }
        assertThat(Files.exists(dataDir.resolve("postgres")))
                .as("no embedded server started")
                .isFalse();
    }

    @Test
    void flywaysClassesAreUnloadedOnceTheSchemaIsMigrated() throws Exception {
        var shared = TestStore.get();
        var config = StoreConfig.embedded(dataDir)
                .withDbUrl(
                        shared.jdbcUrl(), "postgres", shared.embeddedPassword().orElseThrow())
                .withMasterKeyFile(TestStore.dataDir().resolve("master.key"));
        try (var store = SessionStore.open(config)) {
            assertThat(store.schemaVersion()).isEqualTo(newestMigration());
            ClassLoader migrationLoader = Migrations.lastLoader.get();
            assertThat(migrationLoader)
                    .as("the migration ran in a loader of its own")
                    .isNotNull();
            assertThat(Class.forName("org.flywaydb.core.Flyway", false, migrationLoader)
                            .getClassLoader())
                    .isSameAs(migrationLoader);
            migrationLoader = null;
            for (int i = 0; i < 20 && Migrations.lastLoader.get() != null; i++) {
                System.gc();
                Thread.sleep(50);
            }
            assertThat(Migrations.lastLoader.get())
                    .as("nothing keeps Flyway's loader, so its classes can go")
                    .isNull();
            assertThat(store.reachable()).isTrue();
        }
    }
}
