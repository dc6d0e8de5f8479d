package io.wagw.store.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import io.wagw.store.TestStore;
import io.wagw.store.tenant.TenantStatus;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Lease renewals have connections of their own: a node whose shared pool is all taken still renews, and still
 * reports the database reachable.
 */
class LeaseConnectionsTest {
    private static final Duration TTL = Duration.ofSeconds(5);

    @Test
    void renewalsGoThroughWhileEveryConnectionOfTheSharedPoolIsTaken() throws Exception {
        SessionStore shared = TestStore.get();
        String tenant = TestStore.unique("pool");
        String session = TestStore.unique("pool");
        shared.tenants().create(tenant, "Pool tenant", "free");
        shared.sessions().create(tenant, session, Map.of());
        String other = TestStore.unique("pool");
        shared.sessions().create(tenant, other, Map.of());
        // a node's store with two shared connections (the fewest it may have), against the same server
        var config = StoreConfig.embedded(Files.createTempDirectory("wagw-lease-pool"))
                .withDbUrl(
                        shared.jdbcUrl(), "postgres", shared.embeddedPassword().orElseThrow())
                .withPoolSize(2);
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        try (SessionStore node = SessionStore.open(config);
                Handle locker = TestStore.jdbi().open()) {
            var lease = node.leases().acquire(session, "node-a", TTL).orElseThrow();
            // another client locks the tenant's row; both shared connections of the node then wait on that lock
            locker.begin();
            locker.createQuery("SELECT slug FROM tenants WHERE slug = :slug FOR UPDATE")
                    .bind("slug", tenant)
                    .mapTo(String.class)
                    .one();
            try {
                var stuck = CompletableFuture.allOf(
                        CompletableFuture.runAsync(
                                () -> node.tenants().setStatus(tenant, TenantStatus.ACTIVE), threads),
                        CompletableFuture.runAsync(
                                () -> node.tenants().setStatus(tenant, TenantStatus.ACTIVE), threads));
                var waiting = CompletableFuture.supplyAsync(() -> node.tenants().get(tenant), threads);
                var timed =
                        CompletableFuture.supplyAsync(() -> node.leases().acquireTimed(other, "node-a", TTL), threads);
                Thread.sleep(300);
                assertThat(stuck).as("the shared connections wait on the lock").isNotDone();
                assertThat(waiting)
                        .as("the shared pool has no connection to give")
                        .isNotDone();

                long t0 = System.nanoTime();
                var renewed = node.leases().renewAll("node-a", List.of(lease), TTL);
                var again = node.leases().renew(renewed.get(session), TTL);
                long tookMs = (System.nanoTime() - t0) / 1_000_000;

                assertThat(renewed).containsKey(session);
                assertThat(again.expiresAt())
                        .isAfterOrEqualTo(renewed.get(session).expiresAt());
                assertThat(again.epoch()).isEqualTo(lease.epoch());
                // the shared pool gives up on a caller after 5 s; a renewal in it would have waited that long
                assertThat(tookMs).as("renewals took %d ms", tookMs).isLessThan(2_000);
                assertThat(waiting)
                        .as("still waiting for the shared connection")
                        .isNotDone();
                long r0 = System.nanoTime();
                assertThat(node.reachable()).as("the database answers").isTrue();
                assertThat((System.nanoTime() - r0) / 1_000_000).isLessThan(2_000);

                long released = System.nanoTime();
                locker.rollback();
                stuck.get(10, TimeUnit.SECONDS);
                var acquired = timed.get(10, TimeUnit.SECONDS).orElseThrow();
                assertThat(acquired.lease().session()).isEqualTo(other);
                assertThat(acquired.sentAtNanos())
                        .as("a lease holds a TTL from when its statement went, not from the wait for a connection")
                        .isGreaterThan(released);
                assertThat(node.tenants().get(tenant).status()).isEqualTo(TenantStatus.ACTIVE);
            } finally {
                if (locker.isInTransaction()) {
                    locker.rollback(); // a failed assertion must not leave the node's connections waiting
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
