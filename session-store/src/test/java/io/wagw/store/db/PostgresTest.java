package io.wagw.store.db;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void theEmbeddedDatabaseKeepsItsDataAndKeyAcrossRestarts() {
        String keyId;
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThat(store.embedded()).isTrue();
            assertThat(store.schemaVersion()).as("every migration applied").isEqualTo(5);
            store.tenants().create("persisted", "Persisted", "free");
            store.sessions().create("persisted", "persisted-1", Map.of());
            SessionLease lease = store.leases().acquire("persisted-1", "node-a", Duration.ofSeconds(1)).orElseThrow();
            store.snapshots().save(lease, "linked device".getBytes(StandardCharsets.UTF_8));
            keyId = store.masterKeyId();
        }
        assertThat(Files.exists(dataDir.resolve("master.key"))).isTrue();
        try (var store = SessionStore.open(StoreConfig.embedded(dataDir))) {
            assertThat(store.masterKeyId()).isEqualTo(keyId);
            assertThat(store.tenants().get("persisted").displayName()).isEqualTo("Persisted");
            assertThat(new String(store.snapshots().latest("persisted-1").orElseThrow().state(), StandardCharsets.UTF_8))
                    .isEqualTo("linked device");
        }
    }

    @Test
    void aServerGivenByUrlIsUsedInsteadOfTheEmbeddedOne() {
        var shared = TestStore.get();
        var config = StoreConfig.embedded(dataDir).withDbUrl(shared.jdbcUrl(), "postgres", null)
                .withMasterKeyFile(TestStore.dataDir().resolve("master.key"));
        try (var viaUrl = SessionStore.open(config)) {
            assertThat(viaUrl.embedded()).isFalse();
            assertThat(viaUrl.reachable()).isTrue();
            String tenant = TestStore.unique("url");
            viaUrl.tenants().create(tenant, "Via URL", "free");
            assertThat(shared.tenants().get(tenant).displayName()).isEqualTo("Via URL");
            assertThat(viaUrl.masterKeyId()).isEqualTo(shared.masterKeyId());
        }
        assertThat(Files.exists(dataDir.resolve("postgres"))).as("no embedded server started").isFalse();
    }

    @Test
    void flywaysClassesAreUnloadedOnceTheSchemaIsMigrated() throws Exception {
        var shared = TestStore.get();
        var config = StoreConfig.embedded(dataDir).withDbUrl(shared.jdbcUrl(), "postgres", null)
                .withMasterKeyFile(TestStore.dataDir().resolve("master.key"));
        try (var store = SessionStore.open(config)) {
            assertThat(store.schemaVersion()).isEqualTo(5);
            ClassLoader migrationLoader = Migrations.lastLoader.get();
            assertThat(migrationLoader).as("the migration ran in a loader of its own").isNotNull();
            assertThat(Class.forName("org.flywaydb.core.Flyway", false, migrationLoader).getClassLoader())
                    .isSameAs(migrationLoader);
            migrationLoader = null;
            for (int i = 0; i < 20 && Migrations.lastLoader.get() != null; i++) {
                System.gc();
                Thread.sleep(50);
            }
            assertThat(Migrations.lastLoader.get()).as("nothing keeps Flyway's loader, so its classes can go").isNull();
            assertThat(store.reachable()).isTrue();
        }
    }
}
