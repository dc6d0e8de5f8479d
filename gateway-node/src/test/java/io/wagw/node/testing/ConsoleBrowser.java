package io.wagw.node.testing;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A person's browser for the console tests: one Chromium, a fresh context per person (their own cookies), pages
 * on a phone-sized or desktop viewport, screenshots into {@code target/console-screenshots}, and a phone's camera
 * (the QR read off the screen with ZXing).
 */
public final class ConsoleBrowser implements AutoCloseable {
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final TestEnv.Chromium chromium = TestEnv.launchChromium();
    private final Browser browser = chromium.browser();

    /** A person at a desktop screen. */
    public Page desktop() {
        return context(1280, 900).newPage();
    }

    /** A person on a phone. */
    public Page phone() {
        return context(390, 844).newPage();
    }

    private BrowserContext context(int width, int height) {
        var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height));
        context.setDefaultTimeout(60_000);
        return context;
    }

    public static void screenshot(Page page, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    /** Reads the QR code shown in an element as a phone's camera would: from the pixels on the screen. */
    public static String scan(Locator shown) {
        byte[] png = shown.screenshot();
        try {
            var image = ImageIO.read(new ByteArrayInputStream(png));
            return new QRCodeReader()
                    .decode(
                            new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                            Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                    .getText();
        } catch (NotFoundException | com.google.zxing.ChecksumException | com.google.zxing.FormatException e) {
            throw new IllegalStateException("no QR code readable in the element", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        chromium.close();
    }
}
