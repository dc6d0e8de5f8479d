package io.wagw.sim;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.testing.Browsers;
import io.wagw.sim.testing.SimPage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions in Chromium: restore from storage state, refused credentials, conflict, unlink, logout, offline queue. */
class PageSessionTest {
    private static final AtomicLong PHONES = new AtomicLong(77030000000L);
    private static final AtomicLong CUSTOMERS = new AtomicLong(79030000000L);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Browsers browsers;
    private static WaSimulator sim;
    private final List<BrowserContext> contexts = new ArrayList<>();

    @BeforeAll
    static void start() {
        browsers = Browsers.launch();
        sim = WaSimulator.start(SimulatorOptions.fast());
    }

    @AfterAll
    static void stop() {
        sim.close();
        browsers.close();
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
    }

    private SimPage open(WaSimulator s, String storageState, String path) {
        BrowserContext c = storageState == null ? browsers.newContext() : browsers.newContext(storageState);
        contexts.add(c);
        return SimPage.open(c, s.baseUrl(), path);
    }

    private static String newAccount(WaSimulator s) {
        String phone = String.valueOf(PHONES.incrementAndGet());
        s.client().createAccount(phone, "Clinic");
        return phone;
    }

    private SimPage linked(WaSimulator s, String phone) {
        SimPage p = open(s, null, "/");
        s.client().linkByQr(phone, p.qrPayload());
        p.waitReady();
        return p;
    }

    private static void assertLoggedOutToQr(SimPage p) {
        p.page.waitForURL("**/?post_logout=1");
        p.qrPayload();
        p.waitForState("UNPAIRED");
        assertThat(p.page.evaluate("localStorage.getItem('last-wid-md')")).isNull();
        assertThat(p.page.evaluate("""
        () => new Promise(resolve => {
          const req = indexedDB.open('signal-storage');
          req.onsuccess = () => {
            const get = req.result.transaction('identity-store').objectStore('identity-store').get('registration');
            get.onsuccess = () => resolve(get.result === undefined);
          };
        })""")).isEqualTo(true);
    }

    @Test
    void offlineQueueIsDeliveredOnRestoreInOrderExactlyOnce() {
        String phone = newAccount(sim);
        String customer = String.valueOf(CUSTOMERS.incrementAndGet());
        SimPage first = linked(sim, phone);
        long conflictsBefore = sim.client().stats().conflicts();
        String state = first.storageState();
        first.close();
        contexts.remove(first.context);

        for (int i = 1; i <= 5; i++) sim.client().customerSends(customer, phone, "offline " + i);
        assertThat(sim.client().received(phone))
                .extracting(MessageInfo::ackName)
                .containsOnly("server");
        assertThat(sim.client().stats().queued()).isGreaterThanOrEqualTo(5);

        SimPage restored = open(sim, state, "/");
        restored.waitReady();
        restored.waitForNewMessages(5);
        assertThat(restored.page.locator("div[data-ref]")).hasCount(0);
        assertThat(restored.states()).doesNotContain("UNPAIRED", "PAIRING");
        assertThat(restored.page.evaluate("window.__rec.adds.filter(a => a.isNewMsg).map(a => a.body)"))
                .isEqualTo(List.of("offline 1", "offline 2", "offline 3", "offline 4", "offline 5"));
        PageMessagingTest.waitForAck(() -> sim.client().received(phone).get(4), 2);
        assertThat(sim.client().received(phone))
                .extracting(MessageInfo::ackName)
                .containsOnly("delivered");

        // A reload gets them again only as history (isNewMsg false), never as new messages.
        restored.page.reload();
        restored.waitReady();
        sim.client().customerSends(customer, phone, "after reload");
        restored.waitForNewMessages(1);
        assertThat(restored.page.evaluate("window.__rec.adds.filter(a => a.isNewMsg).map(a => a.body)"))
                .isEqualTo(List.of("after reload"));
        assertThat(restored.page.evaluate("window.__rec.adds.filter(a => !a.isNewMsg).length"))
                .isEqualTo(5);
        assertThat(sim.client().stats().conflicts()).isEqualTo(conflictsBefore);
    }

    @Test
    void tamperedCredentialsAreRefusedAndTheQrShows() throws Exception {
        String phone = newAccount(sim);
        SimPage p = linked(sim, phone);
        // Tampered key material in localStorage.
        ObjectNode state = (ObjectNode) JSON.readTree(p.storageState());
        for (var origin : state.withArray("origins")) {
            for (var item : origin.withArray("localStorage")) {
                if (item.get("name").asText().equals("WANoiseInfo")) {
                    ObjectNode noise =
                            (ObjectNode) JSON.readTree(item.get("value").asText());
                    ((ObjectNode) noise.get("staticKeyPair"))
                            .put("pubKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
                    ((ObjectNode) item).put("value", noise.toString());
                }
            }
        }
        // Tampered secret in IndexedDB, written by the page itself before the snapshot.
        p.page.evaluate("""
        () => new Promise(resolve => {
          const req = indexedDB.open('signal-storage');
          req.onsuccess = () => {
            const store = req.result.transaction('identity-store', 'readwrite').objectStore('identity-store');
            const get = store.get('registration');
            get.onsuccess = () => {
              const reg = get.result;
              new Uint8Array(reg.secret)[0] ^= 0xff;
              store.put(reg, 'registration').onsuccess = () => resolve(true);
            };
          };
        })""");
        String tamperedSecret = p.storageState();
        p.close();
        contexts.remove(p.context);
        long refusedBefore = sim.client().stats().refusedLogins();

        SimPage a = open(sim, state.toString(), "/");
        assertLoggedOutToQr(a);
        SimPage b = open(sim, tamperedSecret, "/");
        assertLoggedOutToQr(b);
        assertThat(sim.client().stats().refusedLogins()).isEqualTo(refusedBefore + 2);
        // The account and its device are untouched by the refused attempts.
        assertThat(sim.client().devices(phone))
                .singleElement()
                .satisfies(d -> assertThat(d.liveConnections()).isZero());
    }

    @Test
    void foreignCredentialsFromAnotherSimulatorAreRefused() {
        String foreignState;
        int foreignPort;
        try (WaSimulator other = WaSimulator.start(SimulatorOptions.fast())) {
            String phone = newAccount(other);
            SimPage p = linked(other, phone);
            foreignState = p.storageState();
            foreignPort = other.port();
            p.close();
            contexts.remove(p.context);
        }
        // Same account number here, but not the device those credentials were issued for.
        String state = foreignState.replace("127.0.0.1:" + foreignPort, "127.0.0.1:" + sim.port());
        SimPage p = open(sim, state, "/");
        assertLoggedOutToQr(p);
    }

    @Test
    void secondBrowserCausesConflictUseHereTakesOverAndLogOutUnlinks() {
        String phone = newAccount(sim);
        String customer = String.valueOf(CUSTOMERS.incrementAndGet());
        long conflictsBefore = sim.client().stats().conflicts();
        SimPage a = linked(sim, phone);
        SimPage b = open(sim, a.storageState(), "/");
        b.waitReady();

        a.waitForState("CONFLICT");
        assertThat(
                        a.page.getByText(
                                "WhatsApp is open on another computer or browser. Click \"Use Here\" to use WhatsApp in this window."))
                .isVisible();
        assertThat(a.page.getByRole(
                        com.microsoft.playwright.options.AriaRole.BUTTON,
                        new com.microsoft.playwright.Page.GetByRoleOptions().setName("Use here")))
                .isVisible();
        assertThat(sim.client().stats().conflicts()).isEqualTo(conflictsBefore + 1);
        assertThat(sim.client().devices(phone)).singleElement().satisfies(d -> {
            assertThat(d.liveConnections()).isEqualTo(2);
            assertThat(d.active()).isTrue();
        });

        a.page.getByRole(
                        com.microsoft.playwright.options.AriaRole.BUTTON,
                        new com.microsoft.playwright.Page.GetByRoleOptions().setName("Use here"))
                .click();
        a.waitForState("CONNECTED");
        b.waitForState("CONFLICT");
        assertThat(a.page.locator("#pane-side")).isVisible();
        assertThat(sim.client().stats().conflicts()).isEqualTo(conflictsBefore + 2);

        sim.client().customerSends(customer, phone, "who gets this?");
        a.waitForNewMessages(1);
        assertThat(b.page.evaluate("window.__rec.adds.filter(x => x.isNewMsg).length"))
                .isEqualTo(0);

        b.page.getByRole(
                        com.microsoft.playwright.options.AriaRole.BUTTON,
                        new com.microsoft.playwright.Page.GetByRoleOptions().setName("Log out"))
                .click();
        assertLoggedOutToQr(b);
        assertLoggedOutToQr(a);
        assertThat(sim.client().devices(phone)).isEmpty();
    }

    @Test
    void phoneUnlinkLogsThePageOutWithPostLogoutAndWipedCredentials() {
        String phone = newAccount(sim);
        SimPage p = linked(sim, phone);
        sim.client().unlink(phone, phone + ":1");
        assertLoggedOutToQr(p);
        assertThat(p.page.evaluate("sessionStorage.getItem('rec-logouts')")).isEqualTo("1");
        assertThat(sim.client().devices(phone)).isEmpty();
        // The new QR links a new device.
        sim.client().linkByQr(phone, p.qrPayload());
        p.waitReady();
        assertThat(sim.client().devices(phone)).extracting(d -> d.id()).containsExactly(phone + ":2");
    }

    @Test
    void socketLogoutFromTheModuleSurfaceUnlinksTheDevice() {
        String phone = newAccount(sim);
        SimPage p = linked(sim, phone);
        p.page.evaluate("window.require('WAWebSocketModel').Socket.logout()");
        assertLoggedOutToQr(p);
        assertThat(sim.client().devices(phone)).isEmpty();
    }

    @Test
    void pageWeightOptionHoldsLiveJsHeap() {
        try (WaSimulator heavy = WaSimulator.start(SimulatorOptions.fast().withPageWeightMb(24))) {
            SimPage p = open(heavy, null, "/");
            p.qrPayload();
            assertThat(p.page.evaluate("window.__simPageWeight.bytes")).isEqualTo(24 * 1048576);
            Number used = (Number) p.page.evaluate("performance.memory.usedJSHeapSize");
            assertThat(used.longValue()).isGreaterThan(24L * 1048576);
        }
    }
}
