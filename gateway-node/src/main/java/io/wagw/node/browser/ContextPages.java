package io.wagw.node.browser;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.PlaywrightException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Opens pages in a browser's contexts without waiting for each. Playwright's {@code newPage} holds the browser's
 * thread until Chromium started the page's renderer and Playwright set the page up in it, 46-398 ms a page while a
 * failover loads many at once; a node preparing 17 takeovers spent most of the dead owner's lease on that, one page
 * after another. Here the thread asks DevTools for the page ({@code Target.createTarget}, what Playwright's own
 * {@code newPage} sends) and goes on; Playwright sets the page up as it does a pop-up and reports it through the
 * context's {@code onPage}. One per browser process, used on the browser's thread only.
 */
public final class ContextPages {
    private final CDPSession devtools;

    ContextPages(Browser browser) {
        this.devtools = browser.newBrowserCDPSession();
    }

    /** A context and its DevTools id. */
    public record Created(BrowserContext context, String id) {}

    /**
     * Creates a context with {@code creator} and finds its DevTools id (the one context id that was not there
     * before: contexts of this browser are created on this thread only).
     */
    public Created newContext(Supplier<BrowserContext> creator) {
        Set<String> before = ids();
        BrowserContext context = creator.get();
        try {
            Set<String> added = ids();
            added.removeAll(before);
            if (added.size() != 1) {
                throw new PlaywrightException("the new context's DevTools id was not found (" + added + ")");
            }
            return new Created(context, added.iterator().next());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Asks for a blank page in the context and returns at once; the context's {@code onPage} reports it. */
    public void openPage(Created context) {
        var params = new JsonObject();
        params.addProperty("url", "about:blank");
        params.addProperty("browserContextId", context.id());
        devtools.send("Target.createTarget", params);
    }

    private Set<String> ids() {
        Set<String> ids = new HashSet<>();
        devtools.send("Target.getBrowserContexts")
                .getAsJsonArray("browserContextIds")
                .forEach(id -> ids.add(id.getAsString()));
        return ids;
    }
}
