package io.wagw.store.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import io.wagw.store.assistant.Prompts.PromptVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PromptsTest {
    private final SessionStore store = TestStore.get();
    private final Prompts prompts = store.prompts();

    private String tenant() {
        String slug = TestStore.unique("salon");
        store.tenants().create(slug, "Salon", "business");
        return slug;
    }

    @Test
    void theFirstVersionIsActiveAtOnceAndLaterOnesWaitForActivation() {
        String t = tenant();
        assertThat(prompts.list(t)).isEmpty();
        assertThat(prompts.active(t)).isEmpty();

        var v1 = prompts.create(t, "You are the salon's receptionist.\nBe kind.", "gpt-4o-mini", 0.7);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.active()).isTrue();
        assertThat(v1.periods()).hasSize(1);
        assertThat(v1.periods().get(0).to()).isNull();
        assertThat(v1.systemPrompt()).isEqualTo("You are the salon's receptionist.\nBe kind.");
        assertThat(v1.temperature()).isEqualTo(0.7);

        var v2 = prompts.create(t, "Be brief.", "gpt-4o", 0.2);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.active()).isFalse();
        assertThat(v2.periods()).isEmpty();
        assertThat(prompts.active(t).orElseThrow().version()).isEqualTo(1);

        var activated = prompts.activate(t, 2);
        assertThat(activated.active()).isTrue();
        assertThat(prompts.active(t).orElseThrow().version()).isEqualTo(2);
        List<PromptVersion> list = prompts.list(t);
        assertThat(list).extracting(PromptVersion::version).containsExactly(2, 1);
        assertThat(list).filteredOn(PromptVersion::active).hasSize(1);
        var old = list.get(1);
        assertThat(old.periods()).hasSize(1);
        assertThat(old.periods().get(0).to())
                .as("v1's period ends when v2's begins")
                .isEqualTo(list.get(0).periods().get(0).from());

        assertThat(prompts.activate(t, 2).periods())
                .as("activating the active one changes nothing")
                .hasSize(1);
        assertThatThrownBy(() -> prompts.activate(t, 7))
                .isInstanceOf(StoreException.NotFound.class)
                .extracting(e -> ((StoreException) e).field())
                .isEqualTo("version");
    }

    @Test
    void rollbackActivatesTheVersionActiveBeforeTheCurrentOne() {
        String t = tenant();
        prompts.create(t, "one", "m", 0);
        assertThatThrownBy(() -> prompts.rollback(t))
                .as("nothing was active before v1")
                .isInstanceOf(StoreException.InvalidState.class)
                .extracting(e -> ((StoreException) e).field())
                .isEqualTo("version");
        prompts.create(t, "two", "m", 1);
        prompts.create(t, "three", "m", 2);
        prompts.activate(t, 3);
        prompts.activate(t, 2);

        var back = prompts.rollback(t);
        assertThat(back.version()).isEqualTo(3);
        assertThat(prompts.active(t).orElseThrow().version()).isEqualTo(3);
        var v3 = prompts.list(t).get(0);
        assertThat(v3.periods()).as("active twice").hasSize(2);
        assertThat(v3.periods().get(0).to()).isNotNull();
        assertThat(v3.periods().get(1).to()).isNull();
        assertThat(prompts.list(t)).filteredOn(PromptVersion::active).hasSize(1);

        String empty = tenant();
        assertThatThrownBy(() -> prompts.rollback(empty)).isInstanceOf(StoreException.InvalidState.class);
    }

    @Test
    void racingActivationsLeaveExactlyOneActive() throws Exception {
        String t = tenant();
        for (int i = 1; i <= 5; i++) {
            prompts.create(t, "prompt " + i, "m", 0.5);
        }
        int calls = 60;
        var start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                int version = 1 + i % 5;
                boolean rollback = i % 7 == 0;
                done.add(pool.submit(() -> {
                    start.await();
                    if (rollback) {
                        try {
                            prompts.rollback(t);
                        } catch (StoreException.InvalidState ignored) {
                            // nothing to roll back to yet
                        }
                    } else {
                        prompts.activate(t, version);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) {
                f.get();
            }
        }
        var list = prompts.list(t);
        assertThat(list).filteredOn(PromptVersion::active).hasSize(1);
        assertThat(list.stream()
                        .mapToLong(v ->
                                v.periods().stream().filter(p -> p.to() == null).count())
                        .sum())
                .isEqualTo(1);
        int open = TestStore.jdbi()
                .withHandle(h ->
                        h.createQuery("""
                                SELECT count(*) FROM prompt_activations a JOIN tenants t ON t.id = a.tenant_id
                                 WHERE t.slug = :slug AND a.deactivated_at IS NULL
                                """).bind("slug", t).mapTo(Integer.class).one());
        assertThat(open).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedNamingItsFieldAndStoresNothing() {
        String t = tenant();
        assertField(() -> prompts.create(t, "", "m", 0.5), "systemPrompt");
        assertField(() -> prompts.create(t, "  \n ", "m", 0.5), "systemPrompt");
        assertField(() -> prompts.create(t, null, "m", 0.5), "systemPrompt");
        assertField(() -> prompts.create(t, "x".repeat(20_001), "m", 0.5), "systemPrompt");
        assertField(() -> prompts.create(t, "bell\u0007", "m", 0.5), "systemPrompt");
        assertField(() -> prompts.create(t, "ok", "", 0.5), "model");
        assertField(() -> prompts.create(t, "ok", "gpt\n4", 0.5), "model");
        assertField(() -> prompts.create(t, "ok", "m".repeat(101), 0.5), "model");
        assertField(() -> prompts.create(t, "ok", "m", 2.01), "temperature");
        assertField(() -> prompts.create(t, "ok", "m", -0.1), "temperature");
        assertField(() -> prompts.create(t, "ok", "m", Double.NaN), "temperature");
        assertField(() -> prompts.create("Bad Slug", "ok", "m", 0.5), "slug");
        assertThat(prompts.list(t)).isEmpty();

        var edge = prompts.create(t, "line one\r\n\tline two" + "x".repeat(19_000), "m".repeat(100), 2.0);
        assertThat(edge.temperature()).isEqualTo(2.0);
        assertThat(prompts.create(t, "ok", "m", 0.0).temperature()).isEqualTo(0.0);
    }

    @Test
    void anUnknownTenantIsNotFound() {
        String nobody = TestStore.unique("nobody");
        for (Runnable call : List.<Runnable>of(
                () -> prompts.list(nobody),
                () -> prompts.active(nobody),
                () -> prompts.create(nobody, "p", "m", 1),
                () -> prompts.activate(nobody, 1),
                () -> prompts.rollback(nobody))) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(StoreException.NotFound.class)
                    .extracting(e -> ((StoreException) e).field())
                    .isEqualTo("tenant");
        }
    }

    @Test
    void tenantsAreIsolated() {
        String a = tenant();
        String b = tenant();
        prompts.create(a, "a1", "m", 0.1);
        prompts.create(a, "a2", "m", 0.2);
        prompts.activate(a, 2);
        assertThat(prompts.list(b)).isEmpty();
        var b1 = prompts.create(b, "b1", "m", 0.3);
        assertThat(b1.version()).as("numbered per tenant").isEqualTo(1);
        assertThat(b1.active()).isTrue();
        assertThatThrownBy(() -> prompts.activate(b, 2)).isInstanceOf(StoreException.NotFound.class);
        assertThat(prompts.active(a).orElseThrow().systemPrompt()).isEqualTo("a2");
        assertThat(prompts.active(b).orElseThrow().systemPrompt()).isEqualTo("b1");
        assertThat(prompts.list(a)).extracting(PromptVersion::systemPrompt).containsExactly("a2", "a1");
    }

    private static void assertField(Runnable call, String field) {
        assertThatThrownBy(call::run)
                .isInstanceOf(StoreException.InvalidInput.class)
                .extracting(e -> ((StoreException) e).field())
                .isEqualTo(field);
    }
}
