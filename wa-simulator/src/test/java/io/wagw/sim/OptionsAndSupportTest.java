package io.wagw.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import io.wagw.sim.page.BrowserSupport;
import io.wagw.sim.page.QrMatrix;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Command-line options, the browser check and the QR matrix. */
class OptionsAndSupportTest {
    @Test
    void defaultsAreWhatsAppsTimings() {
        SimulatorOptions o = SimulatorOptions.defaults();
        assertThat(o.qrFirstMs()).isEqualTo(60_000);
        assertThat(o.qrNextMs()).isEqualTo(20_000);
        assertThat(o.qrCodes()).isEqualTo(6);
        assertThat(o.pairingCodeMs()).isEqualTo(180_000);
        assertThat(o.pairingCodes()).isEqualTo(5);
        assertThat(o.pageWeightMb()).isZero();
    }

    @Test
    void commandLineFlagsOverrideDefaults() {
        SimulatorOptions o = SimulatorOptions.parse(
                new String[] {
                    "--port",
                    "7070",
                    "--qr-first-ms=2000",
                    "--qr-next-ms",
                    "1000",
                    "--qr-codes",
                    "3",
                    "--page-weight-mb",
                    "150",
                    "--pairing-code-ms",
                    "5000",
                    "--host",
                    "0.0.0.0"
                },
                SimulatorOptions.defaults());
        assertThat(o.port()).isEqualTo(7070);
        assertThat(o.qrFirstMs()).isEqualTo(2000);
        assertThat(o.qrNextMs()).isEqualTo(1000);
        assertThat(o.qrCodes()).isEqualTo(3);
        assertThat(o.pageWeightMb()).isEqualTo(150);
        assertThat(o.pairingCodeMs()).isEqualTo(5000);
        assertThat(o.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void badFlagsNameTheProblem() {
        SimulatorOptions d = SimulatorOptions.defaults();
        assertThatThrownBy(() -> SimulatorOptions.parse(new String[] {"--qr-codes", "many"}, d))
                .hasMessageContaining("--qr-codes");
        assertThatThrownBy(() -> SimulatorOptions.parse(new String[] {"--port"}, d))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SimulatorOptions.parse(new String[] {"--colour", "red"}, d))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> SimulatorOptions.parse(new String[] {"--qr-codes", "0"}, d))
                .hasMessageContaining("qrCodes");
    }

    @Test
    void headlessAndOldBrowsersAreNotSupported() {
        assertThat(
                        BrowserSupport.isSupported(
                                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36"))
                .isFalse();
        assertThat(
                        BrowserSupport.isSupported(
                                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"))
                .isTrue();
        assertThat(BrowserSupport.isSupported(
                        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/59.0.3071.115 Safari/537.36"))
                .isFalse();
        assertThat(BrowserSupport.isSupported("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"))
                .isTrue();
        assertThat(BrowserSupport.isSupported("curl/8.5.0")).isFalse();
        assertThat(BrowserSupport.isSupported(null)).isFalse();
    }

    @Test
    void qrMatrixDecodesBackToThePayload() throws Exception {
        String payload = "2@abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/abcdefghijkl,"
                + "3kOyDWS8pWQ3uZ+tX9cUoYyNhbfH0VQZ4C0h6n3l1i8=,jXU2zm+ZzZzKxP6vmkGfzHd2r7cGfE0c8h7y5H6y0nM=,"
                + "fyF4Fa7zv0cO3Cwq7vB3O5zWbq1xJbq9mRk4xYl2a1Q=,1";
        List<String> rows = QrMatrix.encode(payload);
        int n = rows.size();
        int scale = 4;
        int quiet = 4;
        BufferedImage img =
                new BufferedImage((n + 2 * quiet) * scale, (n + 2 * quiet) * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int mx = x / scale - quiet;
                int my = y / scale - quiet;
                boolean dark =
                        mx >= 0 && my >= 0 && mx < n && my < n && rows.get(my).charAt(mx) == '1';
                img.setRGB(x, y, dark ? 0x000000 : 0xffffff);
            }
        }
        String decoded = new MultiFormatReader()
                .decode(
                        new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(img))),
                        Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                .getText();
        assertThat(decoded).isEqualTo(payload);
    }
}
