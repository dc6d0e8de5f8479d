package io.wagw.sim.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/** One headless Chromium for a test class; use it only from the thread that launched it. */
public final class Browsers implements AutoCloseable {
    /** A regular desktop Chrome user agent: WhatsApp Web refuses headless Chromium's default one. */
    public static final String DESKTOP_CHROME_UA =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    private final Playwright playwright;
    private final Browser browser;

    private Browsers() {
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(
                                Paths.get(System.getenv().getOrDefault("GW_CHROMIUM_PATH", "/usr/bin/chromium")))
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run",
                                "--disable-dev-shm-usage")));
    }

    public static Browsers launch() {
        return new Browsers();
    }

    public Browser browser() {
        return browser;
    }

    /** A fresh profile with a desktop Chrome user agent. */
    public BrowserContext newContext() {
        return browser.newContext(new Browser.NewContextOptions().setUserAgent(DESKTOP_CHROME_UA));
    }

    /** A profile restored from a Playwright storage state (cookies, localStorage, IndexedDB). */
    public BrowserContext newContext(String storageState) {
        return browser.newContext(
                new Browser.NewContextOptions().setUserAgent(DESKTOP_CHROME_UA).setStorageState(storageState));
    }

    /** A profile with headless Chromium's own user agent. */
    public BrowserContext newHeadlessDefaultContext() {
        return browser.newContext();
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
