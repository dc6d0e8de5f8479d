package io.wagw.store.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaseProtocolTest {
    private static final Duration TTL = Duration.ofSeconds(5);
    private final SessionStore store = TestStore.get();
    private String session;

    @BeforeEach
    void createSession() {
        String tenant = TestStore.unique("lease");
        session = TestStore.unique("lease");
        store.tenants().create(tenant, "Lease tenant", "free");
        store.sessions().create(tenant, session, Map.of());
    }

    @Test
    void acquireIsRefusedWhileAnotherNodeHoldsTheLease() {
        var a = store.leases().acquire(session, "node-a", TTL).orElseThrow();
        assertThat(a.epoch()).isEqualTo(1);
        assertThat(a.ownerNode()).isEqualTo("node-a");
        assertThat(store.leases().acquire(session, "node-b", TTL)).isEmpty();
        assertThat(store.leases().acquire(session, "node-a", TTL))
                .as("even the holder must renew, not re-acquire")
                .isEmpty();
        assertThat(store.leases().current(session)).contains(a);
        assertThat(store.leases().heldBy("node-a")).containsExactly(a);
        assertThat(store.leases().allLive()).containsEntry(session, a);
        store.leases().release(a);
        assertThat(store.leases().allLive()).as("released: not live").doesNotContainKey(session);
    }

    @Test
    void releaseFreesTheLeaseAndTheNextAcquireBumpsTheEpoch() {
        var a = store.leases().acquire(session, "node-a", TTL).orElseThrow();
        assertThat(store.leases().release(a)).isPresent();
        assertThat(store.leases().current(session)).isEmpty();
        assertThat(store.leases().release(a)).as("second release").isEmpty();
        var b = store.leases().acquire(session, "node-b", TTL).orElseThrow();
        assertThat(b.epoch()).isEqualTo(2);
    }

    @Test
    void renewExtendsAHeldLeaseAndRefusesAStaleOne() throws Exception {
        var a = store.leases()
                .acquire(session, "node-a", Duration.ofMillis(300))
                .orElseThrow();
        var renewed = store.leases().renew(a, TTL);
        assertThat(renewed.expiresAt()).isAfter(a.expiresAt());
        assertThat(renewed.epoch()).isEqualTo(a.epoch());

        var b = store.leases().acquire(session, "node-b", TTL);
        assertThat(b).isEmpty();
        store.leases().release(renewed);
        var taken = store.leases().acquire(session, "node-b", TTL).orElseThrow();
        assertThatThrownBy(() -> store.leases().renew(a, TTL))
                .isInstanceOfSatisfying(StoreException.StaleEpoch.class, e -> {
                    assertThat(e.callerEpoch()).isEqualTo(1);
                    assertThat(e.currentEpoch()).isEqualTo(taken.epoch());
                    assertThat(e.getMessage()).contains("current epoch is 2");
                });
    }

    @Test
    void renewingANodesLeasesTogetherExtendsOnlyThoseItStillHolds() throws Exception {
        String tenant = TestStore.unique("lease");
        store.tenants().create(tenant, "Lease tenant", "free");
        String expiring = TestStore.unique("lease");
        String takenOver = TestStore.unique("lease");
        store.sessions().create(tenant, expiring, Map.of());
        store.sessions().create(tenant, takenOver, Map.of());
        var held = store.leases()
                .acquire(session, "node-batch", Duration.ofMillis(400))
                .orElseThrow();
        var expired = store.leases()
                .acquire(expiring, "node-batch", Duration.ofMillis(150))
                .orElseThrow();
        var lost = store.leases()
                .acquire(takenOver, "node-batch", Duration.ofMillis(150))
                .orElseThrow();
        Thread.sleep(250);
        store.leases().acquire(takenOver, "node-other", TTL).orElseThrow();

        var renewed = store.leases().renewAll("node-batch", List.of(held, expired, lost), TTL);

        assertThat(renewed).containsOnlyKeys(session);
        assertThat(renewed.get(session).epoch()).isEqualTo(held.epoch());
        assertThat(renewed.get(session).expiresAt()).isAfter(held.expiresAt());
        assertThat(store.leases().current(session)).contains(renewed.get(session));
        assertThat(store.leases().current(expiring))
                .as("an expired lease stays expired")
                .isEmpty();
        assertThat(store.leases().current(takenOver).orElseThrow().ownerNode()).isEqualTo("node-other");
        assertThat(store.leases().renewAll("node-batch", List.of(), TTL)).isEmpty();
        assertThatThrownBy(() -> store.leases().renewAll("node-other", List.of(held), TTL))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("leases"));
        assertThat(store.leases().current(session))
                .as("a refused call changes nothing")
                .contains(renewed.get(session));
    }

    @Test
    void anExpiredLeaseCanBeTakenOverAndItsHolderCanNoLongerWrite() throws Exception {
        var a = store.leases()
                .acquire(session, "node-a", Duration.ofMillis(150))
                .orElseThrow();
        Thread.sleep(250);
        assertThatThrownBy(() -> store.messages().recordOutbound(a, "77011234567@c.us", "late"))
                .isInstanceOf(StoreException.StaleEpoch.class)
                .hasMessageContaining("expired");
        var b = store.leases().acquire(session, "node-b", TTL).orElseThrow();
        assertThat(b.epoch()).isEqualTo(2);
        assertThatThrownBy(() -> store.sessions().recordStatus(a, io.wagw.store.session.SessionStatus.WORKING, null))
                .isInstanceOf(StoreException.StaleEpoch.class);
        assertThat(store.sessions().get(session).status()).isEqualTo(io.wagw.store.session.SessionStatus.STOPPED);
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> store.leases().acquire("no-such-session", "node-a", TTL))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("session"));
        assertThatThrownBy(() -> store.leases().acquire(session, "node a!", TTL))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("node"));
        assertThatThrownBy(() -> store.leases().acquire(session, "node-a", Duration.ofMillis(5)))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("ttl"));
        assertThat(store.leases().current(session)).isEmpty();
    }

    @Test
    void aWriteForASessionNeverLeasedIsStale() {
        var forged = new SessionLease(
                session,
                "node-a",
                1,
                java.time.Instant.now(),
                java.time.Instant.now().plusSeconds(60));
        assertThatThrownBy(() -> store.messages().recordOutbound(forged, "77011234567@c.us", "hi"))
                .isInstanceOf(StoreException.StaleEpoch.class)
                .hasMessageContaining("never leased");
    }
}
