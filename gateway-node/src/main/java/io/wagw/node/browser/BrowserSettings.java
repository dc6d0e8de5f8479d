package io.wagw.node.browser;

import java.nio.file.Path;
import java.util.List;

/**
 * How Chromium is launched. {@code extraArgs} come after the flags this closed, root-run environment
 * needs (no sandbox, no GPU, no background networking).
 */
public record BrowserSettings(Path chromiumPath, boolean headless, List<String> extraArgs) {

    /** Flags every browser gets: root needs no sandbox; the closed network needs no background traffic. */
    public static final List<String> BASE_ARGS = List.of(
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            // Sessions live in background tabs of a headless browser: keep their timers and sockets at full speed.
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows");

    public BrowserSettings {
        extraArgs = List.copyOf(extraArgs);
    }

    public static BrowserSettings headless(Path chromiumPath) {
        return new BrowserSettings(chromiumPath, true, List.of());
    }
}
