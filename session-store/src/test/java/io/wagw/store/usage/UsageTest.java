package io.wagw.store.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class UsageTest {
    private final SessionStore store = TestStore.get();

    @Test
    void concurrentIncrementsAreExact() throws Exception {
        String tenant = TestStore.unique("usage");
        store.tenants().create(tenant, "Usage tenant", "business");
        YearMonth month = YearMonth.of(2026, 11);
        int threads = 8;
        int perThread = 250;
        var go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        store.usage().add(tenant, month, new UsageCounters.Delta(1, 2, 10, 3));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long n = (long) threads * perThread;
        assertThat(store.usage().get(tenant, month))
                .isEqualTo(new UsageCounters(tenant, month, n, 2 * n, 10 * n, 3 * n));
        assertThat(store.usage().get(tenant, month.plusMonths(1)).messagesIn())
                .as("months are separate")
                .isZero();
    }

    @Test
    void usageOfAnUnknownTenantOrANegativeDeltaIsRefused() {
        assertThatThrownBy(() -> store.usage().add("no-such-tenant", YearMonth.now(), UsageCounters.Delta.inbound(1)))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("tenant"));
        assertThatThrownBy(() -> store.usage().get("no-such-tenant", YearMonth.now()))
                .isInstanceOf(StoreException.NotFound.class);
        String tenant = TestStore.unique("usage");
        store.tenants().create(tenant, "Usage tenant", "free");
        assertThatThrownBy(() -> store.usage().add(tenant, YearMonth.now(), new UsageCounters.Delta(-1, 0, 0, 0)))
                .isInstanceOf(StoreException.InvalidInput.class);
        assertThat(store.usage().get(tenant, YearMonth.now()).messagesIn()).isZero();
    }
}
