package io.wagw.store.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import io.wagw.store.snapshot.MasterKeyring;
import java.security.SecureRandom;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Model calls per tenant and month, and tenants' sealed secrets. */
class ModelUsageTest {
    private final SessionStore store = TestStore.get();
    private static final YearMonth DEC = YearMonth.of(2026, 12);

    private String tenant() {
        String slug = TestStore.unique("salon");
        store.tenants().create(slug, "Salon", "business");
        return slug;
    }

    @Test
    void concurrentCallsAddUpPerModelAndMonthAndStayWithTheirTenant() throws Exception {
        String t = tenant();
        String other = tenant();
        var ok = new ModelUsage.Call("primary", "gpt-4o-mini", true, false, 100, 20, 0.000027);
        try (var pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                done.add(pool.submit(() -> store.modelUsage().add(t, DEC, ok)));
            }
            for (var f : done) {
                f.get();
            }
        }
        store.modelUsage().add(t, DEC, new ModelUsage.Call("primary", "gpt-4o-mini", false, false, 0, 0, 0));
        store.modelUsage().add(t, DEC, new ModelUsage.Call("cache", "cache", true, true, 0, 0, 0));
        store.modelUsage().add(t, DEC.minusMonths(1), ok);
        store.modelUsage().add(other, DEC, ok);

        var rows = store.modelUsage().month(t, DEC);
        assertThat(rows).hasSize(2);
        var cache = rows.get(0);
        assertThat(cache.provider()).isEqualTo("cache");
        assertThat(cache.calls()).isZero();
        assertThat(cache.cacheHits()).isEqualTo(1);
        var gpt = rows.get(1);
        assertThat(gpt.calls()).isEqualTo(21);
        assertThat(gpt.failures()).isEqualTo(1);
        assertThat(gpt.tokensIn()).isEqualTo(2_000);
        assertThat(gpt.tokensOut()).isEqualTo(400);
        assertThat(gpt.costUsd()).isEqualTo(0.00054);
        assertThat(store.modelUsage().month(other, DEC))
                .singleElement()
                .satisfies(r -> assertThat(r.calls()).isEqualTo(1));
    }

    @Test
    void aSealedSecretOpensOnlyForItsTenantAndPurposeAndWithAKeyOfTheRing() {
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        new SecureRandom().nextBytes(k1);
        new SecureRandom().nextBytes(k2);
        var secrets = new TenantSecrets(MasterKeyring.of(List.of(k1)));
        String token = secrets.seal("salon", "model.apiKey", "sk-live-123");

        assertThat(token).startsWith("v1.").doesNotContain("sk-live-123");
        assertThat(secrets.seal("salon", "model.apiKey", "sk-live-123")).isNotEqualTo(token); // a fresh nonce
        assertThat(secrets.open("salon", "model.apiKey", token)).isEqualTo("sk-live-123");
        assertThatThrownBy(() -> secrets.open("shop", "model.apiKey", token))
                .isInstanceOf(StoreException.InvalidState.class)
                .hasMessageContaining("fails authentication");
        assertThatThrownBy(() -> secrets.open("salon", "webhook.secret", token))
                .isInstanceOf(StoreException.InvalidState.class);
        // one character well inside the ciphertext changed (its last characters may carry padding bits only)
        int at = token.length() - 10;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertThatThrownBy(() -> secrets.open("salon", "model.apiKey", tampered))
                .isInstanceOf(StoreException.InvalidState.class);
        assertThatThrownBy(() -> secrets.open("salon", "model.apiKey", "sk-live-123"))
                .isInstanceOf(StoreException.InvalidState.class)
                .hasMessageContaining("not a sealed secret");
        // after a rotation (a new first key, the old one kept) it still opens; without the old key it does not
        assertThat(new TenantSecrets(MasterKeyring.of(List.of(k2, k1))).open("salon", "model.apiKey", token))
                .isEqualTo("sk-live-123");
        assertThatThrownBy(() -> new TenantSecrets(MasterKeyring.of(List.of(k2))).open("salon", "model.apiKey", token))
                .isInstanceOf(StoreException.InvalidState.class)
                .hasMessageContaining("not in this node's keyring");
    }
}
