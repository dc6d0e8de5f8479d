package io.wagw.store.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.store.SessionStore;
import io.wagw.store.TestStore;
import io.wagw.store.apikey.ApiKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsoleSignInsTest {
    private final SessionStore store = TestStore.get();

    @Test
    void aSignInIsFoundByItsTokenOnlyWhileLiveAndIsStoredHashed() {
        var created = store.consoleSignIns().create(ApiKey.Scope.ADMIN, null, null, null, Duration.ofHours(1));
        var found = store.consoleSignIns().find(created.token());
        assertThat(found).get().satisfies(s -> {
            assertThat(s.scope()).isEqualTo(ApiKey.Scope.ADMIN);
            assertThat(s.csrf()).isEqualTo(created.signIn().csrf()).isNotEqualTo(created.token());
        });
        assertThat(store.consoleSignIns().find(created.token() + "x")).isEmpty();
        long plaintextRows = TestStore.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM console_sign_ins WHERE token_hash = :t")
                        .bind("t", created.token())
                        .mapTo(Long.class)
                        .one());
        assertThat(plaintextRows).as("plaintext token stored").isZero();

        assertThat(store.consoleSignIns().delete(created.token())).isTrue();
        assertThat(store.consoleSignIns().find(created.token())).isEmpty();
        assertThat(store.consoleSignIns().delete(created.token())).isFalse();

        var expired = store.consoleSignIns().create(ApiKey.Scope.ADMIN, null, null, null, Duration.ofSeconds(-1));
        assertThat(store.consoleSignIns().find(expired.token())).isEmpty();
    }

    @Test
    void aSignInMadeWithAStoredKeyEndsWhenTheKeyIsRevoked() {
        String tenant = TestStore.unique("console");
        store.tenants().create(tenant, "Console", "free");
        var key = store.apiKeys().create(ApiKey.Scope.TENANT, null, tenant);
        var created = store.consoleSignIns()
                .create(ApiKey.Scope.TENANT, null, tenant, key.key().id(), Duration.ofHours(1));
        assertThat(store.consoleSignIns().find(created.token()))
                .get()
                .satisfies(s -> assertThat(s.tenant()).isEqualTo(tenant));
        store.apiKeys().revoke(key.key().id());
        assertThat(store.consoleSignIns().find(created.token())).isEmpty();
    }
}
