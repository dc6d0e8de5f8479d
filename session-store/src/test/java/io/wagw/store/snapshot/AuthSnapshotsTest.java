package io.wagw.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import io.wagw.store.lease.SessionLease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthSnapshotsTest {
    private final SessionStore store = TestStore.get();
    private String tenant;
    private String session;
    private SessionLease lease;

    @BeforeEach
    void leaseASession() {
        tenant = TestStore.unique("snap");
        session = TestStore.unique("snap");
        store.tenants().create(tenant, "Snapshot tenant", "free");
        store.sessions().create(tenant, session, Map.of());
        lease = store.leases()
                .acquire(session, "node-a", Duration.ofSeconds(30))
                .orElseThrow();
    }

    @Test
    void aSnapshotRoundTripsEncrypted() {
        byte[] state = new byte[1024 * 1024];
        new Random(7).nextBytes(state);
        var info = store.snapshots().save(lease, state);
        assertThat(info.size()).isEqualTo(state.length);
        assertThat(info.epoch()).isEqualTo(lease.epoch());
        assertThat(info.keyId()).isEqualTo(store.masterKeyId());

        var loaded = store.snapshots().latest(session).orElseThrow();
        assertThat(loaded.state()).isEqualTo(state);
        assertThat(loaded.epoch()).isEqualTo(lease.epoch());

        byte[] stored = TestStore.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT a.ciphertext FROM auth_snapshots a JOIN sessions s ON s.id = a.session_id WHERE s.name = :s")
                        .bind("s", session)
                        .mapTo(byte[].class)
                        .one());
        assertThat(stored).isNotEqualTo(state);
        assertThat(indexOf(stored, java.util.Arrays.copyOfRange(state, 1000, 1032)))
                .as("plaintext visible in the row")
                .isEqualTo(-1);
    }

    @Test
    void theNewestSnapshotWinsAndOnlyAFewAreKept() {
        for (int i = 1; i <= 5; i++) {
            store.snapshots().save(lease, ("state " + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(new String(store.snapshots().latest(session).orElseThrow().state(), StandardCharsets.UTF_8))
                .isEqualTo("state 5");
        assertThat(store.snapshots().list(session)).hasSize(AuthSnapshots.KEEP);
    }

    @Test
    void aTamperedCiphertextFailsWithAClearError() {
        store.snapshots().save(lease, "{\"cookies\":[]}".getBytes(StandardCharsets.UTF_8));
        TestStore.jdbi().useHandle(h -> h.execute("""
                UPDATE auth_snapshots SET ciphertext = set_byte(ciphertext, 3, (get_byte(ciphertext, 3) + 1) % 256)
                 WHERE session_id = (SELECT id FROM sessions WHERE name = ?)
                """, session));
        assertThatThrownBy(() -> store.snapshots().latest(session))
                .isInstanceOf(StoreException.SnapshotIntegrity.class)
                .hasMessageContaining(session)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void aSnapshotCopiedToAnotherSessionDoesNotOpen() {
        store.snapshots().save(lease, "secret state".getBytes(StandardCharsets.UTF_8));
        String other = TestStore.unique("snap");
        store.sessions().create(tenant, other, Map.of());
        TestStore.jdbi().useHandle(h -> h.execute("""
                INSERT INTO auth_snapshots (session_id, epoch, ciphertext, nonce, key_id, size)
                SELECT (SELECT id FROM sessions WHERE name = ?), epoch, ciphertext, nonce, key_id, size
                  FROM auth_snapshots WHERE session_id = (SELECT id FROM sessions WHERE name = ?)
                """, other, session));
        assertThatThrownBy(() -> store.snapshots().latest(other)).isInstanceOf(StoreException.SnapshotIntegrity.class);
    }

    @Test
    void saveWithoutHoldingTheLeaseWritesNothing() {
        store.leases().release(lease);
        var next = store.leases()
                .acquire(session, "node-b", Duration.ofSeconds(30))
                .orElseThrow();
        assertThatThrownBy(() -> store.snapshots().save(lease, "old owner".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        StoreException.StaleEpoch.class,
                        e -> assertThat(e.currentEpoch()).isEqualTo(next.epoch()));
        assertThat(store.snapshots().list(session)).isEmpty();
        assertThat(store.snapshots().latest(session)).isEmpty();
    }

    @Test
    void discardingIsFencedAndRemovesEverySnapshot() {
        store.snapshots().save(lease, "a".getBytes(StandardCharsets.UTF_8));
        store.snapshots().save(lease, "b".getBytes(StandardCharsets.UTF_8));
        var stale = new SessionLease(session, "node-z", lease.epoch(), lease.acquiredAt(), lease.expiresAt());
        assertThatThrownBy(() -> store.snapshots().discard(stale)).isInstanceOf(StoreException.StaleEpoch.class);
        assertThat(store.snapshots().list(session)).hasSize(2);
        assertThat(store.snapshots().discard(lease)).isEqualTo(2);
        assertThat(store.snapshots().latest(session)).isEmpty();
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> store.snapshots().save(lease, new byte[0]))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("state"));
        assertThatThrownBy(() -> store.snapshots().latest("nope-" + session))
                .isInstanceOf(StoreException.NotFound.class);
        assertThat(store.snapshots().list(session)).isEmpty();
    }

    @Test
    void aSnapshotFromAnotherMasterKeyIsReportedAsAWrongKey() {
        store.snapshots().save(lease, "state".getBytes(StandardCharsets.UTF_8));
        var row = TestStore.jdbi()
                .withHandle(
                        h -> h.createQuery("""
                SELECT ciphertext, nonce, key_id, epoch FROM auth_snapshots
                 WHERE session_id = (SELECT id FROM sessions WHERE name = :s)""").bind("s", session).mapToMap().one());
        var sealed = new SnapshotCipher.Sealed(
                (byte[]) row.get("ciphertext"), (byte[]) row.get("nonce"), (String) row.get("key_id"));

        var foreign = new SnapshotCipher(MasterKeyring.of(List.of(randomKey())));
        assertThatThrownBy(() -> foreign.open(session, lease.epoch(), sealed))
                .isInstanceOfSatisfying(
                        StoreException.UnknownMasterKey.class,
                        e -> assertThat(e.getMessage()).contains(sealed.keyId()).contains("GW_MASTER_KEY_FILE"));
    }

    @Test
    void rotatedKeysStillOpenOldSnapshotsAndEncryptWithTheNewOne() {
        byte[] oldKey = randomKey();
        byte[] newKey = randomKey();
        var before = new SnapshotCipher(MasterKeyring.of(List.of(oldKey)));
        var sealed = before.seal("s1", 3, "hello".getBytes(StandardCharsets.UTF_8));
        var rotated = MasterKeyring.of(List.of(newKey, oldKey));
        var after = new SnapshotCipher(rotated);
        assertThat(new String(after.open("s1", 3, sealed), StandardCharsets.UTF_8))
                .isEqualTo("hello");
        assertThat(after.seal("s1", 4, new byte[] {1}).keyId())
                .isEqualTo(rotated.currentKeyId())
                .isNotEqualTo(sealed.keyId());
        assertThatThrownBy(() -> after.open("s1", 4, sealed))
                .as("bound to its epoch")
                .isInstanceOf(StoreException.SnapshotIntegrity.class);
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return k;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
