package io.wagw.node.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.wagw.node.browser.Scripts;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java half of the WhatsApp Web bridge: installs {@code bridge.js} into a context, turns its JSON
 * events into {@link BridgeEvent}s and drives the page. Every WhatsApp-specific detail on the Java side
 * lives here, so a WhatsApp Web update is a fix in this class and {@code bridge.js}. All methods must
 * run on the browser thread that owns the page.
 */
public final class WhatsAppBridge {
    private static final Logger log = LoggerFactory.getLogger(WhatsAppBridge.class);
    private static final String BINDING = "__wagwEvent";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = Scripts.load(WhatsAppBridge.class, "bridge.js");
    /** Console messages with objects a page's DevTools session holds on to before it lets go of them. */
    static final int RELEASE_EVERY = 50;

    private WhatsAppBridge() {}

    /** WhatsApp Web refuses headless Chromium's own user agent; present a regular desktop Chrome. */
    public static String userAgent(String chromiumVersion) {
        String major =
                chromiumVersion.contains(".") ? chromiumVersion.substring(0, chromiumVersion.indexOf('.')) : "156";
        return "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + major
                + ".0.0.0 Safari/537.36";
    }

    /**
     * Opens a page in {@code context} with the bridge installed, its events going to {@code sink} (see
     * {@link #listen}); nothing loaded yet. The page asks nothing of the node while idle: the dead man's switch is
     * the node's {@code BrowserWatchdog}, outside the browser.
     */
    public static Page newPage(BrowserContext context, Consumer<BridgeEvent> sink) {
        install(context);
        Page page = context.newPage();
        listen(page, sink);
        return page;
    }

    /** Gives every document {@code context}'s pages load the bridge; its events reach the node once {@link #listen}ed. */
    public static void install(BrowserContext context) {
        context.addInitScript(SCRIPT);
    }

    /**
     * Sends the events of the bridge in {@code page} to {@code sink}, on the browser thread; call it before the
     * page loads WhatsApp Web. The page calls a plain DevTools binding ({@code Runtime.addBinding} on a DevTools
     * session of its own), so an event is one message from the page to the node. Playwright's
     * {@code exposeBinding} answers every call with a round trip back into the page, and handles a call that
     * arrives during that round trip inside it, one level deeper on the browser thread's stack (a page that
     * reported thousands of messages at once overflowed it). Measured with 2,000 events from 4 pages: 0.55 ms
     * of machine CPU per event through Playwright's binding, 0.08-0.10 ms through this one.
     * <p>
     * Chromium gives a binding to the documents a page loads later (and to a new renderer process after a
     * cross-site navigation) only while the session has the {@code Runtime} domain on, which also reports the
     * page's console messages to it with their arguments held for the session; those are let go of here. A
     * document of the page's own that failed to load is reported as {@link BridgeEvent.LoadFailed}.
     */
    public static void listen(Page page, Consumer<BridgeEvent> sink) {
        CDPSession devtools = page.context().newCDPSession(page);
        devtools.on("Runtime.bindingCalled", call -> {
            if (call.has("name") && BINDING.equals(call.get("name").getAsString()) && call.has("payload")) {
                parse(call.get("payload").getAsString()).ifPresent(sink);
            }
        });
        var held = new int[1];
        Consumer<JsonObject> release = message -> {
            // an argument or exception given by reference (objects); strings and numbers come by value
            if (message.toString().contains("\"objectId\"") && ++held[0] >= RELEASE_EVERY) {
                // one round trip per RELEASE_EVERY such messages, from within this event's handling
                held[0] = 0;
                var group = new JsonObject();
                group.addProperty("objectGroup", "console");
                devtools.send("Runtime.releaseObjectGroup", group);
            }
        };
        devtools.on("Runtime.consoleAPICalled", release);
        devtools.on("Runtime.exceptionThrown", release);
        devtools.send("Runtime.enable");
        var binding = new JsonObject();
        binding.addProperty("name", BINDING);
        devtools.send("Runtime.addBinding", binding);
        page.onRequestFailed(request -> {
            // the document itself did not load (a navigation that another one replaced ends as ERR_ABORTED)
            String error = request.failure();
            if (error != null
                    && !error.contains("ERR_ABORTED")
                    && request.isNavigationRequest()
                    && request.frame() == page.mainFrame()) {
                sink.accept(new BridgeEvent.LoadFailed(error));
            }
        });
    }

    /**
     * Starts loading WhatsApp Web in a page {@link #listen}ed to and returns at once: the page is told to go there
     * (one round trip to its renderer), and its events report the progress, or {@link BridgeEvent.LoadFailed}. The
     * browser's thread serves every session of its browser: {@code page.navigate}, even to the commit only, held
     * it until WhatsApp Web's server had answered, 50-330 ms per start while a failover loaded 17 pages at once,
     * one after another.
     */
    public static void open(Page page, URI url) {
        page.evaluate("u => { location.href = u; }", url.toString());
    }

    /** Starts sending a text; the outcome arrives as {@link BridgeEvent.Sent} or {@link BridgeEvent.SendFailed}. */
    public static void sendText(Page page, String reqId, String chatId, String text) {
        page.evaluate("([r, c, t]) => window.__wagw.sendText(r, c, t)", List.of(reqId, chatId, text));
    }

    /** Logs the linked device out ({@code WAWebSocketModel.Socket.logout()}). */
    public static void logout(Page page) {
        page.evaluate("() => window.require('WAWebSocketModel').Socket.logout()");
    }

    /** Shows or clears the typing indicator in a chat; false when the page lacks the module. */
    public static boolean typing(Page page, String chatId, boolean on) {
        return Boolean.TRUE.equals(page.evaluate("([c, on]) => window.__wagw.typing(c, on)", List.of(chatId, on)));
    }

    /** Marks a chat as read; false when the chat is unknown. */
    public static boolean sendSeen(Page page, String chatId) {
        return Boolean.TRUE.equals(page.evaluate("(c) => window.__wagw.sendSeen(c)", chatId));
    }

    /** The QR payload on screen right now, if any. */
    public static Optional<String> currentQr(Page page) {
        var holder = page.locator("div[data-ref]");
        return holder.count() == 0
                ? Optional.empty()
                : Optional.ofNullable(holder.first().getAttribute("data-ref"));
    }

    /** Clicks "Click to reload QR code" after the QR stopped rotating. */
    public static void reloadQr(Page page) {
        page.locator("div[data-ref] button:has(span[data-icon=\"refresh-large\"])")
                .first()
                .click();
    }

    /**
     * Runs the "Link with phone number" flow and returns the 8-character code the phone must enter
     * (without the dash).
     */
    public static String requestPairingCode(Page page, String phoneDigits, double timeoutMs) {
        page.getByText("Link with phone number").first().click(new Locator.ClickOptions().setTimeout(timeoutMs));
        page.getByLabel("Type your phone number.").fill(phoneDigits, new Locator.FillOptions().setTimeout(timeoutMs));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next"))
                .click(new Locator.ClickOptions().setTimeout(timeoutMs));
        var code = page.locator("div[data-link-code]");
        code.waitFor(new Locator.WaitForOptions().setTimeout(timeoutMs));
        return code.getAttribute("data-link-code").replace(",", "");
    }

    static Optional<BridgeEvent> parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            String type = n.path("type").asText();
            BridgeEvent e = switch (type) {
                case "hooked" -> new BridgeEvent.Hooked(text(n, "url"));
                case "state" ->
                    new BridgeEvent.StateChanged(
                            text(n, "state"), n.path("hasSynced").asBoolean());
                case "qr" -> new BridgeEvent.Qr(text(n, "ref"));
                case "qr-idle" -> new BridgeEvent.QrIdle();
                case "pairing-code" -> new BridgeEvent.PairingCode(text(n, "code"));
                case "ready" -> new BridgeEvent.Ready(text(n, "me"), text(n, "pushName"));
                case "message" ->
                    new BridgeEvent.Incoming(
                            text(n, "id"),
                            text(n, "from"),
                            text(n, "to"),
                            text(n, "author"),
                            text(n, "body"),
                            text(n, "msgType"),
                            n.path("t").asLong(),
                            text(n, "notifyName"),
                            n.path("at").asLong(),
                            n.path("history").asBoolean());
                case "ack" -> new BridgeEvent.Ack(text(n, "id"), n.path("ack").asInt(), text(n, "error"));
                case "sent" -> new BridgeEvent.Sent(text(n, "reqId"), text(n, "id"));
                case "send-failed" -> new BridgeEvent.SendFailed(text(n, "reqId"), text(n, "error"));
                case "logout" -> new BridgeEvent.Logout();
                case "logged-out" -> new BridgeEvent.LoggedOut();
                default -> null;
            };
            if (e == null) {
                log.debug("ignoring unknown bridge event type '{}'", type);
            }
            return Optional.ofNullable(e);
        } catch (IOException e) {
            log.warn("malformed bridge event: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
