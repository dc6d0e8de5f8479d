package io.wagw.store.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import io.wagw.store.tenant.TenantStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantsAndSessionsTest {
    private final SessionStore store = TestStore.get();

    @Test
    void aTenantStartsOnboardingAndItsSessionStartsStoppedWithItsConfig() {
        String tenant = TestStore.unique("salon");
        var t = store.tenants().create(tenant, "Salon Aida", "business");
        assertThat(t.status()).isEqualTo(TenantStatus.ONBOARDING);
        assertThat(store.tenants().setStatus(tenant, TenantStatus.ACTIVE).status())
                .isEqualTo(TenantStatus.ACTIVE);

        Map<String, Object> config = Map.of(
                "webhooks", List.of(Map.of("url", "http://127.0.0.1:9/hook", "events", List.of("message"))),
                "metadata", Map.of("crm", "42"));
        String name = TestStore.unique("aida");
        var s = store.sessions().create(tenant, name, config);
        assertThat(s.status()).isEqualTo(SessionStatus.STOPPED);
        assertThat(s.tenant()).isEqualTo(tenant);
        assertThat(store.sessions().get(name).config()).isEqualTo(config);
        assertThat(store.sessions().listByTenant(tenant))
                .extracting(Session::name)
                .containsExactly(name);

        var updated = store.sessions().updateConfig(name, Map.of("metadata", Map.of("crm", "43")));
        assertThat(updated.config()).isEqualTo(Map.of("metadata", Map.of("crm", "43")));
    }

    @Test
    void statusAndOwnIdAreRecordedByTheLeaseHolder() {
        String tenant = TestStore.unique("t");
        String name = TestStore.unique("s");
        store.tenants().create(tenant, "T", "free");
        store.sessions().create(tenant, name, Map.of());
        var lease =
                store.leases().acquire(name, "node-a", Duration.ofSeconds(10)).orElseThrow();
        store.sessions().recordStatus(lease, SessionStatus.SCAN_QR_CODE, null);
        var s = store.sessions().recordMe(lease, "77011234567@c.us", "Aida");
        assertThat(s.me()).contains("77011234567@c.us");
        assertThat(s.mePushName()).isEqualTo("Aida");
        assertThat(store.sessions()
                        .recordStatus(lease, SessionStatus.FAILED, "browser crashed 5 times")
                        .statusReason())
                .isEqualTo("browser crashed 5 times");
        assertThat(store.sessions().clearMe(lease).me()).isEmpty();
    }

    @Test
    void theLinkTimeIsKeptWhileTheSameNumberStaysLinked() throws Exception {
        String tenant = TestStore.unique("t");
        String name = TestStore.unique("s");
        store.tenants().create(tenant, "T", "free");
        store.sessions().create(tenant, name, Map.of());
        var lease =
                store.leases().acquire(name, "node-a", Duration.ofSeconds(10)).orElseThrow();
        assertThat(store.sessions().linkedAt(name)).as("never linked").isEmpty();
        store.sessions().recordMe(lease, "77011234567@c.us", "Aida");
        var linked = store.sessions().linkedAt(name).orElseThrow();
        Thread.sleep(20);
        store.sessions().recordMe(lease, "77011234567@c.us", "Aida B.");
        assertThat(store.sessions().linkedAt(name))
                .as("same number, new push name")
                .contains(linked);
        store.sessions().recordMe(lease, "77019999999@c.us", "Other");
        assertThat(store.sessions().linkedAt(name).orElseThrow())
                .as("another number linked")
                .isAfter(linked);
        store.sessions().clearMe(lease);
        assertThat(store.sessions().linkedAt(name)).as("logged out").isEmpty();
    }

    @Test
    void duplicatesAndInvalidNamesAreRefusedWithoutPartialRows() {
        String tenant = TestStore.unique("dup");
        store.tenants().create(tenant, "Dup", "free");
        assertThatThrownBy(() -> store.tenants().create(tenant, "Dup again", "free"))
                .isInstanceOfSatisfying(
                        StoreException.Duplicate.class,
                        e -> assertThat(e.field()).isEqualTo("slug"));
        for (String bad : List.of("", "UPPER", "-lead", "trail-", "sp ace", "a".repeat(65), "ünï")) {
            assertThatThrownBy(() -> store.tenants().create(bad, "x", "free"))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            StoreException.InvalidInput.class,
                            e -> assertThat(e.field()).isEqualTo("slug"));
        }
        assertThatThrownBy(() -> store.tenants().create(TestStore.unique("ok"), " ", "free"))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("displayName"));
        assertThatThrownBy(() -> store.tenants().create(TestStore.unique("ok"), "x", "Gold Plan"))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("plan"));

        String name = TestStore.unique("sess");
        store.sessions().create(tenant, name, Map.of());
        assertThatThrownBy(() -> store.sessions().create(tenant, name, Map.of()))
                .isInstanceOfSatisfying(
                        StoreException.Duplicate.class,
                        e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> store.sessions().create(tenant, "Bad_Name", Map.of()))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("name"));
        String orphan = TestStore.unique("orphan");
        assertThatThrownBy(() -> store.sessions().create("no-such-tenant", orphan, Map.of()))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("tenant"));
        assertThatThrownBy(() -> store.sessions().get(orphan)).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> store.tenants().get("no-such-tenant")).isInstanceOf(StoreException.NotFound.class);
        assertThat(store.sessions().listByTenant(tenant)).hasSize(1);
        long rows = TestStore.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM tenants WHERE slug = :s")
                        .bind("s", tenant)
                        .mapTo(Long.class)
                        .one());
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void theStatusesOfManyTenantsComeInOneCallAndAnUnknownSlugIsLeftOut() {
        String active = TestStore.unique("many");
        String suspended = TestStore.unique("many");
        store.tenants().create(active, "A", "free");
        store.tenants().setStatus(active, TenantStatus.ACTIVE);
        store.tenants().create(suspended, "S", "free");
        store.tenants().setStatus(suspended, TenantStatus.SUSPENDED);
        assertThat(store.tenants().statuses(List.of(active, suspended, active, "no-such-tenant")))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(active, TenantStatus.ACTIVE, suspended, TenantStatus.SUSPENDED));
        assertThat(store.tenants().statuses(List.of())).isEmpty();
        assertThatThrownBy(() -> store.tenants().statuses(List.of(active, "Bad Slug")))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("slug"));
    }

    @Test
    void aTenantNameWithControlCharactersIsRefusedNamingTheField() {
        for (String bad : List.of("Salon\u0000Aida", "Salon\nAida", "Salon\u001b[2J", "Salon\u007f")) {
            assertThatThrownBy(() -> store.tenants().create(TestStore.unique("ctl"), bad, "free"))
                    .isInstanceOfSatisfying(
                            StoreException.InvalidInput.class,
                            e -> assertThat(e.field()).isEqualTo("displayName"));
        }
    }

    @Test
    void textsFromWhatsAppWithANulAreStoredWithTheNulReplaced() {
        String tenant = TestStore.unique("t");
        String name = TestStore.unique("s");
        store.tenants().create(tenant, "T", "free");
        store.sessions().create(tenant, name, Map.of());
        var lease =
                store.leases().acquire(name, "node-a", Duration.ofSeconds(10)).orElseThrow();
        assertThat(store.sessions()
                        .recordMe(lease, "77011234567@c.us", "Ai\u0000da")
                        .mePushName())
                .isEqualTo("Ai\uFFFDda");
        assertThat(store.sessions()
                        .recordStatus(lease, SessionStatus.FAILED, "page said \u0000")
                        .statusReason())
                .isEqualTo("page said \uFFFD");
    }

    @Test
    void aConfigKeySetToNullReadsBackAsAbsent() {
        String tenant = TestStore.unique("t");
        String name = TestStore.unique("s");
        store.tenants().create(tenant, "T", "free");
        var config = new java.util.HashMap<String, Object>();
        config.put("proxy", null);
        config.put("metadata", Map.of("crm", "42"));
        store.sessions().create(tenant, name, config);
        assertThat(store.sessions().get(name).config()).isEqualTo(Map.of("metadata", Map.of("crm", "42")));
        assertThat(store.sessions().listAll()).extracting(Session::name).contains(name);
    }

    @Test
    void theDesiredStateIsRecordedPerSession() {
        String tenant = TestStore.unique("want");
        String a = TestStore.unique("s");
        String b = TestStore.unique("s");
        store.tenants().create(tenant, "Want", "free");
        store.sessions().create(tenant, a, Map.of());
        store.sessions().create(tenant, b, Map.of());
        assertThat(store.sessions().desiredRunning()).doesNotContain(a, b);
        store.sessions().setDesiredRunning(a, true);
        assertThat(store.sessions().desiredRunning()).contains(a).doesNotContain(b);
        assertThat(store.sessions().desiredRunningLastOn("node-x"))
                .as("never ran anywhere")
                .contains(a);
        var lease = store.leases()
                .acquire(a, "node-y", java.time.Duration.ofSeconds(5))
                .orElseThrow();
        store.leases().release(lease);
        assertThat(store.sessions().desiredRunningLastOn("node-x")).doesNotContain(a);
        assertThat(store.sessions().desiredRunningLastOn("node-y")).contains(a);
        store.sessions().setDesiredRunning(a, false);
        assertThat(store.sessions().desiredRunning()).doesNotContain(a);
        assertThatThrownBy(() -> store.sessions().setDesiredRunning("no-such-session", true))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void aDeletedTenantGetsNoNewSessions() {
        String tenant = TestStore.unique("gone");
        store.tenants().create(tenant, "Gone", "free");
        store.tenants().setStatus(tenant, TenantStatus.DELETED);
        String name = TestStore.unique("s");
        assertThatThrownBy(() -> store.sessions().create(tenant, name, Map.of()))
                .isInstanceOfSatisfying(
                        StoreException.InvalidState.class,
                        e -> assertThat(e.field()).isEqualTo("tenant"));
        assertThatThrownBy(() -> store.sessions().get(name)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void aRunningSessionCannotBeDeletedAStoppedOneIsDeletedWithItsData() {
        String tenant = TestStore.unique("del");
        String name = TestStore.unique("s");
        store.tenants().create(tenant, "Del", "free");
        long id = store.sessions().create(tenant, name, Map.of()).id();
        var lease =
                store.leases().acquire(name, "node-a", Duration.ofSeconds(10)).orElseThrow();
        store.snapshots().save(lease, new byte[] {1, 2, 3});
        store.messages().recordInbound(name, "77011234567@c.us", "false_x_1", "hi", null);
        assertThatThrownBy(() -> store.sessions().delete(name)).isInstanceOf(StoreException.InvalidState.class);
        store.leases().release(lease);
        store.sessions().delete(name);
        assertThatThrownBy(() -> store.sessions().get(name)).isInstanceOf(StoreException.NotFound.class);
        long leftovers = TestStore.jdbi()
                .withHandle(
                        h -> h.createQuery("""
                SELECT (SELECT count(*) FROM auth_snapshots WHERE session_id = :id)
                     + (SELECT count(*) FROM messages WHERE session_id = :id)
                     + (SELECT count(*) FROM session_leases WHERE session_id = :id)""").bind("id", id).mapTo(Long.class).one());
        assertThat(leftovers).isZero();
    }
}
