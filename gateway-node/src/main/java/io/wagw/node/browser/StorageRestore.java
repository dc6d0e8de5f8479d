package io.wagw.node.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;

/**
 * Opens a browser context with a snapshot (Playwright's storage-state JSON, with IndexedDB). The cookies go to
 * Playwright with the context; the origins' localStorage and IndexedDB are written by an init script
 * ({@code restore.js}) in the session's own page before the page's scripts run. Playwright's own restore of
 * origins opens and loads an extra page per origin and closes it again, which measured about 140 ms of machine
 * CPU per context, more than the context and its page cost without it.
 */
public final class StorageRestore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = Scripts.load(StorageRestore.class, "restore.js");

    private StorageRestore() {}

    /**
     * A snapshot split into what Playwright restores (the cookies) and the init script for the rest (null: none).
     * Made by {@link #split} off the browser's thread: a snapshot can be large, and that thread serves every page
     * of its browser.
     */
    public record Split(String cookiesState, String originsScript) {}

    /** A new context with {@code options} and {@code snapshot} restored (null: an empty one); on the browser's thread. */
    public static BrowserContext newContext(Browser browser, Browser.NewContextOptions options, Split snapshot) {
        if (snapshot == null) {
            return browser.newContext(options);
        }
        BrowserContext context = browser.newContext(options.setStorageState(snapshot.cookiesState()));
        try {
            if (snapshot.originsScript() != null) {
                context.addInitScript(snapshot.originsScript());
            }
            return context;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Splits a storage state ({@code null} stays {@code null}); a malformed one is refused. */
    public static Split split(String storageState) {
        if (storageState == null) {
            return null;
        }
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
}
