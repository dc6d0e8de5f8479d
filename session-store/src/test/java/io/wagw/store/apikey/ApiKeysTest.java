package io.wagw.store.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    private final SessionStore store = TestStore.get();

    @Test
    void aKeyIsStoredHashedVerifiedAndRevocable() {
        String tenant = TestStore.unique("keys");
        String session = TestStore.unique("keys");
        store.tenants().create(tenant, "Keys", "free");
        store.sessions().create(tenant, session, Map.of());

        var created = store.apiKeys().create(ApiKey.Scope.SESSION, session);
        assertThat(created.plaintext()).startsWith("wagw_").hasSizeGreaterThan(40);
        assertThat(created.key().session()).isEqualTo(session);
        assertThat(store.apiKeys().verify(created.plaintext())).get().satisfies(k -> {
            assertThat(k.scope()).isEqualTo(ApiKey.Scope.SESSION);
            assertThat(k.session()).isEqualTo(session);
        });
        assertThat(store.apiKeys().verify(created.plaintext() + "x")).isEmpty();

        long plaintextRows = TestStore.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM api_keys WHERE key_hash = :p OR key_prefix = :p")
                        .bind("p", created.plaintext())
                        .mapTo(Long.class)
                        .one());
        assertThat(plaintextRows).as("plaintext stored").isZero();

        store.apiKeys().revoke(created.key().id());
        assertThat(store.apiKeys().verify(created.plaintext())).isEmpty();
        assertThatThrownBy(() -> store.apiKeys().revoke(created.key().id()))
                .isInstanceOf(StoreException.InvalidState.class);
        assertThatThrownBy(() -> store.apiKeys().revoke(987654321L)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void anAdminKeyHasNoSessionAndASessionKeyNeedsAnExistingOne() {
        var admin = store.apiKeys().create(ApiKey.Scope.ADMIN, null);
        assertThat(store.apiKeys().verify(admin.plaintext()))
                .get()
                .extracting(ApiKey::scope)
                .isEqualTo(ApiKey.Scope.ADMIN);
        int before = store.apiKeys().list().size();
        assertThatThrownBy(() -> store.apiKeys().create(ApiKey.Scope.SESSION, "no-such-session"))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("session"));
        assertThatThrownBy(() -> store.apiKeys().create(ApiKey.Scope.ADMIN, "some-session"))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("session"));
        assertThat(store.apiKeys().list()).hasSize(before);
    }

    @Test
    void aTenantKeyNamesItsTenantAndNeedsAnExistingOne() {
        String tenant = TestStore.unique("keys");
        store.tenants().create(tenant, "Keys", "free");
        var created = store.apiKeys().create(ApiKey.Scope.TENANT, null, tenant);
        var verified = store.apiKeys().verify(created.plaintext()).orElseThrow();
        assertThat(verified.scope()).isEqualTo(ApiKey.Scope.TENANT);
        assertThat(verified.tenant()).isEqualTo(tenant);
        assertThat(verified.session()).isNull();
        assertThat(store.apiKeys().list()).anyMatch(k -> k.id() == verified.id() && tenant.equals(k.tenant()));
        assertThatThrownBy(() -> store.apiKeys().create(ApiKey.Scope.TENANT, null, "no-such-tenant"))
                .isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> store.apiKeys().create(ApiKey.Scope.TENANT, null, null))
                .isInstanceOf(StoreException.InvalidInput.class);
        assertThatThrownBy(() -> store.apiKeys().create(ApiKey.Scope.ADMIN, null, tenant))
                .isInstanceOf(StoreException.InvalidInput.class)
                .satisfies(e -> assertThat(((StoreException) e).field()).isEqualTo("tenant"));
    }
}
