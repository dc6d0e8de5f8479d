package io.wagw.sim;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.wagw.sim.api.DeviceInfo;
import io.wagw.sim.client.SimClient.SimApiException;
import io.wagw.sim.testing.Browsers;
import io.wagw.sim.testing.SimPage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The login screens in Chromium: unsupported browser, QR rotation and reload, pairing code, link, loading, ready. */
class PageLoginTest {
    private static final AtomicLong PHONES = new AtomicLong(77010000000L);
    private static Browsers browsers;
    private static WaSimulator sim;
    private BrowserContext context;

    @BeforeAll
    static void start() {
        browsers = Browsers.launch();
        sim = WaSimulator.start(SimulatorOptions.fast().withSyncMs(400));
    }

    @AfterAll
    static void stop() {
        sim.close();
        browsers.close();
    }

    @AfterEach
    void closeContext() {
        if (context != null) context.close();
    }

    private SimPage open(WaSimulator s, String path) {
        context = browsers.newContext();
        return SimPage.open(context, s.baseUrl(), path);
    }

    private static String newAccount(WaSimulator s) {
        String phone = String.valueOf(PHONES.incrementAndGet());
        s.client().createAccount(phone, "Salon " + phone.substring(8));
        return phone;
    }

    @Test
    void headlessChromiumUserAgentGetsTheUnsupportedBrowserPage() {
        context = browsers.newHeadlessDefaultContext();
        Page page = context.newPage();
        page.navigate(sim.baseUrl() + "/");
        assertThat(page.getByText("WhatsApp works with Google Chrome 60+")).isVisible();
        assertThat(page.evaluate("typeof window.require")).isEqualTo("undefined");
        assertThat(page.locator("div[data-ref]")).hasCount(0);
    }

    @Test
    void qrCanvasDrawsTheFivePartPayloadOfDataRef() throws Exception {
        SimPage p = open(sim, "/");
        String payload = p.qrPayload();
        String[] parts = payload.split(",");
        assertThat(parts).hasSize(5);
        assertThat(parts[0]).startsWith("2@");
        assertThat(parts[1]).hasSize(44).endsWith("=");
        assertThat(parts[4]).isEqualTo("1");
        assertThat(p.page.evaluate("window.require('WAWebConnModel').Conn.ref")).isEqualTo(parts[0]);
        p.waitForState("UNPAIRED");

        byte[] png = p.page.locator(SimPage.QR_CANVAS).screenshot();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        String decoded = new MultiFormatReader()
                .decode(
                        new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                        Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                .getText();
        assertThat(decoded).isEqualTo(payload);
    }

    @Test
    void qrRotatesThenStopsAtUnpairedIdleAndReloadStartsANewRound() {
        try (WaSimulator quick = WaSimulator.start(
                SimulatorOptions.fast().withQrFirstMs(1200).withQrNextMs(500).withQrCodes(3))) {
            String phone = newAccount(quick);
            SimPage p = open(quick, "/");
            String first = p.qrPayload();
            p.waitForState("UNPAIRED_IDLE");
            // Times as the page saw them: first QR shown, each later QR, rotation stopped.
            double idleAfterMs = ((Number)
                            p.page.evaluate(
                                    "window.__rec.stateTimes.find(s => s[0] === 'UNPAIRED_IDLE')[1] - window.__rec.refTimes[0]"))
                    .doubleValue();
            double secondAfterMs =
                    ((Number) p.page.evaluate("window.__rec.refTimes[1] - window.__rec.refTimes[0]")).doubleValue();

            @SuppressWarnings("unchecked")
            List<String> refs = (List<String>) p.page.evaluate("window.__rec.refs");
            assertThat(refs).hasSize(3).doesNotHaveDuplicates();
            assertThat(secondAfterMs).isBetween(1200 - 100.0, 1200 + 1000.0);
            assertThat(idleAfterMs).isBetween(1200 + 500 + 500 - 100.0, 1200 + 500 + 500 + 1500.0);
            assertThat(p.page.locator("div[data-ref] button span[data-icon=\"refresh-large\"]"))
                    .hasCount(1);
            assertThat(p.page.locator("div[data-ref] button")).containsText("Click to reload QR code");

            String last = p.page.locator("div[data-ref]").getAttribute("data-ref");
            assertThatThrownBy(() -> quick.client().linkByQr(phone, first))
                    .isInstanceOfSatisfying(
                            SimApiException.class, e -> assertThat(e.error()).isEqualTo("qr_expired"));
            assertThatThrownBy(() -> quick.client().linkByQr(phone, last))
                    .isInstanceOfSatisfying(
                            SimApiException.class, e -> assertThat(e.status()).isEqualTo(410));

            p.page.locator("div[data-ref] button:has(span[data-icon=\"refresh-large\"])")
                    .click();
            String fresh = p.nextQrPayload(last);
            p.waitForState("UNPAIRED");
            assertThat(p.page.locator("div[data-ref] button")).hasCount(0);
            DeviceInfo device = quick.client().linkByQr(phone, fresh);
            assertThat(device.via()).isEqualTo("qr");
            p.waitReady();
        }
    }

    @Test
    void cmdRefreshQrStartsANewRoundFromIdle() {
        try (WaSimulator quick = WaSimulator.start(
                SimulatorOptions.fast().withQrFirstMs(300).withQrNextMs(300).withQrCodes(1))) {
            SimPage p = open(quick, "/");
            String first = p.qrPayload();
            p.waitForState("UNPAIRED_IDLE");
            p.page.evaluate("window.require('WAWebCmd').Cmd.refreshQR()");
            p.nextQrPayload(first);
            p.waitForState("UNPAIRED");
        }
    }

    @Test
    void linkingByQrShowsProgressThenTheReadyScreen() {
        String phone = newAccount(sim);
        SimPage p = open(sim, "/");
        sim.client().linkByQr(phone, p.qrPayload());
        p.waitReady();

        assertThat(p.states()).containsSubsequence("OPENING", "UNPAIRED", "PAIRING", "CONNECTED");
        assertThat(p.page.evaluate("window.__rec.synced")).isEqualTo(List.of(true));
        assertThat(p.page.evaluate("window.__rec.sawProgress")).isEqualTo(true);
        assertThat(p.page.locator("progress")).hasCount(0);
        assertThat(p.page.evaluate("window.require('WAWebConnModel').Conn.wid._serialized"))
                .isEqualTo(phone + "@c.us");
        assertThat(p.page.evaluate("window.require('WAWebConnModel').Conn.wid.user"))
                .isEqualTo(phone);
        assertThat(p.page.evaluate("window.require('WAWebConnModel').Conn.pushname"))
                .isEqualTo("Salon " + phone.substring(8));
        assertThat(p.page.locator("div[data-ref]")).hasCount(0);

        List<DeviceInfo> devices = sim.client().devices(phone);
        assertThat(devices).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(phone + ":1");
            assertThat(d.liveConnections()).isEqualTo(1);
            assertThat(d.active()).isTrue();
        });

        // Where the session lives: localStorage keys and ArrayBuffer key material in IndexedDB signal-storage.
        assertThat(p.page.evaluate("JSON.parse(localStorage.getItem('last-wid-md'))"))
                .isEqualTo(phone + ":1@c.us");
        assertThat(p.page.evaluate("!!JSON.parse(localStorage.getItem('WANoiseInfo')).staticKeyPair.pubKey"))
                .isEqualTo(true);
        assertThat(p.page.evaluate("!!localStorage.getItem('WAWebEncKeySalt')")).isEqualTo(true);
        assertThat(p.page.evaluate("""
        () => new Promise(resolve => {
          const req = indexedDB.open('signal-storage');
          req.onsuccess = () => {
            const get = req.result.transaction('identity-store').objectStore('identity-store').get('registration');
            get.onsuccess = () => resolve(get.result.secret instanceof ArrayBuffer && get.result.secret.byteLength === 32);
          };
        })""")).isEqualTo(true);
    }

    @Test
    void pairingCodeFlowLinksWithoutAQr() {
        String phone = newAccount(sim);
        SimPage p = open(sim, "/");
        p.qrPayload();
        p.page.getByText("Link with phone number").click();
        p.page.getByLabel("Type your phone number.").fill("+" + phone);
        p.page.getByText("Next").click();
        String chars = p.page.locator("div[data-link-code]").getAttribute("data-link-code");
        assertThat(chars).matches("([1-9A-HJ-NP-TV-Z],){7}[1-9A-HJ-NP-TV-Z]");
        String code = chars.replace(",", "");
        assertThat(p.page.locator("div[data-link-code]").innerText().replaceAll("\\s", ""))
                .isEqualTo(code.substring(0, 4) + "-" + code.substring(4));

        String other = newAccount(sim);
        assertThatThrownBy(() -> sim.client().linkByCode(other, code))
                .isInstanceOfSatisfying(
                        SimApiException.class, e -> assertThat(e.error()).isEqualTo("pairing_code_wrong_phone"));
        assertThatThrownBy(() -> sim.client().linkByCode(phone, "ZZZZ-ZZZZ"))
                .isInstanceOfSatisfying(
                        SimApiException.class, e -> assertThat(e.error()).isEqualTo("unknown_pairing_code"));

        DeviceInfo device =
                sim.client().linkByCode(phone, code.substring(0, 4).toLowerCase() + "-" + code.substring(4));
        assertThat(device.via()).isEqualTo("code");
        p.waitReady();
        assertThatThrownBy(() -> sim.client().linkByCode(phone, code))
                .isInstanceOfSatisfying(
                        SimApiException.class, e -> assertThat(e.error()).isEqualTo("pairing_code_expired"));
    }

    @Test
    void pairingCodeForAnUnknownNumberIsRefusedOnThePage() {
        SimPage p = open(sim, "/");
        p.qrPayload();
        p.page.getByText("Link with phone number").click();
        p.page.getByLabel("Type your phone number.").fill("+1 555 000 0000");
        p.page.getByText("Next").click();
        assertThat(p.page.getByRole(com.microsoft.playwright.options.AriaRole.ALERT))
                .containsText("not registered on WhatsApp");
        p.page.getByText("Link with QR code").click();
        p.qrPayload();
    }

    @Test
    void pairingCodesRegenerateThenStop() {
        try (WaSimulator quick =
                WaSimulator.start(SimulatorOptions.fast().withPairingCodeMs(700).withPairingCodes(2))) {
            String phone = newAccount(quick);
            SimPage p = open(quick, "/");
            p.qrPayload();
            p.page.getByText("Link with phone number").click();
            p.page.getByLabel("Type your phone number.").fill(phone);
            p.page.getByText("Next").click();
            String first = p.page.locator("div[data-link-code]").getAttribute("data-link-code");
            p.page.waitForFunction(
                    "c => { const d = document.querySelector('div[data-link-code]'); return d && d.dataset.linkCode !== c; }",
                    first);
            String second = p.page.locator("div[data-link-code]").getAttribute("data-link-code");
            assertThat(second).isNotEqualTo(first);
            p.waitForState("UNPAIRED_IDLE");
            assertThat(p.page.locator("div[data-link-code]")).hasCount(0);
            assertThatThrownBy(() -> quick.client().linkByCode(phone, second.replace(",", "")))
                    .isInstanceOfSatisfying(
                            SimApiException.class, e -> assertThat(e.error()).isEqualTo("pairing_code_expired"));
            p.page.getByText("Click to reload code").click();
            String third = p.page.locator("div[data-link-code]").getAttribute("data-link-code");
            quick.client().linkByCode(phone, third.replace(",", ""));
            p.waitReady();
        }
    }
}
