package io.wagw.node.browser;

import com.microsoft.playwright.impl.driver.Driver;

/**
 * For {@link DriverCopiesTest}: sets up the driver environment as a node does, has Playwright unpack its driver,
 * prints where, and waits to be killed.
 */
public final class DriverProbe {
    private DriverProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println(Driver.ensureDriverInstalled(BrowserSettings.nodeDriverEnv(), false)
                .driverDir());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
