package io.wagw.node.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Opens a browser context with a snapshot (Playwright's storage-state JSON, with IndexedDB). The cookies go to
 * Playwright with the context; the origins' localStorage and IndexedDB are written by an init script
 * ({@code restore.js}) in the session's own page before the page's scripts run. Playwright's own restore of
 * origins opens and loads an extra page per origin and closes it again, which measured about 140 ms of machine
 * CPU per context, more than the context and its page cost without it.
 */
public final class StorageRestore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = loadScript();

    private StorageRestore() {}

    /** The snapshot split: what Playwright restores (cookies) and the init script for the rest (null: none). */
    record Split(String cookiesState, String originsScript) {}

    /**
     * A new context with {@code options} and {@code storageState} restored (null: an empty context). Call on the
     * browser's thread.
     */
    public static BrowserContext newContext(Browser browser, Browser.NewContextOptions options, String storageState) {
        if (storageState == null) {
            return browser.newContext(options);
        }
        Split split = split(storageState);
        BrowserContext context = browser.newContext(options.setStorageState(split.cookiesState()));
        try {
            if (split.originsScript() != null) {
                context.addInitScript(split.originsScript());
            }
            return context;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    static Split split(String storageState) {
        try {
            var state = (ObjectNode) JSON.readTree(storageState);
            var origins = state.path("origins");
            var cookies = JSON.createObjectNode();
            cookies.set("cookies", state.path("cookies").isArray() ? state.get("cookies") : JSON.createArrayNode());
            cookies.set("origins", JSON.createArrayNode());
            String script = origins.isArray() && !origins.isEmpty()
                    ? SCRIPT.replace("__ORIGINS__", JSON.writeValueAsString(origins))
                    : null;
            return new Split(JSON.writeValueAsString(cookies), script);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("the snapshot is not a storage state: " + e.getMessage(), e);
        }
    }

    private static String loadScript() {
        try (InputStream in = StorageRestore.class.getResourceAsStream("restore.js")) {
            if (in == null) {
                throw new IllegalStateException("restore.js is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
