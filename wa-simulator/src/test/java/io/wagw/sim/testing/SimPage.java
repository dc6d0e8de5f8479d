package io.wagw.sim.testing;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.List;

/**
 * A browser page on the simulator with a recorder installed before the app runs: it listens to the
 * module surface the way a bridge would (state, hasSynced, ref, Msg add, change:ack, Cmd logout).
 */
public final class SimPage {
    public static final String QR_CANVAS = "div[data-ref] canvas[aria-label=\"Scan this QR code to link a device!\"]";
    public static final String COMPOSE = "footer div[contenteditable=\"true\"][role=\"textbox\"][data-tab=\"10\"]";

    /** Hooks window.require the moment the page defines it, so no event is missed. */
    private static final String RECORDER = """
      (() => {
        const rec = window.__rec = { states: [], stateTimes: [], refTimes: [], synced: [], refs: [], adds: [], acks: [], logouts: 0, sawProgress: false };
        const attach = (req) => {
          const { Socket } = req('WAWebSocketModel');
          rec.states.push(Socket.state);
          Socket.on('change:state', (m, s) => { rec.states.push(s); rec.stateTimes.push([s, performance.now()]); });
          Socket.on('change:hasSynced', (m, v) => rec.synced.push(v));
          req('WAWebConnModel').Conn.on('change:ref', (m, r) => { rec.refs.push(r); rec.refTimes.push(performance.now()); });
          const { Msg } = req('WAWebCollections');
          Msg.on('add', (msg) => rec.adds.push({ id: msg.id._serialized, body: msg.body, isNewMsg: msg.isNewMsg,
              fromMe: msg.id.fromMe, ack: msg.ack, from: msg.from._serialized, notifyName: msg.notifyName, t: msg.t }));
          Msg.on('change:ack', (msg, ack) => rec.acks.push({ id: msg.id._serialized, ack }));
          req('WAWebCmd').Cmd.on('logout', () => { rec.logouts++; sessionStorage.setItem('rec-logouts', String(rec.logouts)); });
        };
        Object.defineProperty(window, 'require', { configurable: true, enumerable: true,
          get() { return undefined; },
          set(v) { Object.defineProperty(window, 'require', { value: v, writable: true, configurable: true, enumerable: true }); attach(v); } });
        new MutationObserver(() => { if (document.querySelector('progress')) rec.sawProgress = true; })
          .observe(document, { childList: true, subtree: true });
      })();
      """;

    public final BrowserContext context;
    public final Page page;
    private final String baseUrl;

    private SimPage(BrowserContext context, String baseUrl) {
        this.context = context;
        this.baseUrl = baseUrl;
        context.addInitScript(RECORDER);
        this.page = context.newPage();
        page.setDefaultTimeout(15_000);
    }

    /** Opens {@code path} of the simulator in a new page of {@code context}. */
    public static SimPage open(BrowserContext context, String baseUrl, String path) {
        SimPage p = new SimPage(context, baseUrl);
        p.page.navigate(baseUrl + path);
        return p;
    }

    public String state() {
        return (String) page.evaluate("window.require('WAWebSocketModel').Socket.state");
    }

    public void waitForState(String state) {
        page.waitForFunction(
                "s => window.require && window.require('WAWebSocketModel').Socket.state === s",
                state,
                new Page.WaitForFunctionOptions().setTimeout(15_000));
    }

    /** Waits for a QR and returns the payload in {@code div[data-ref]}. */
    public String qrPayload() {
        page.waitForSelector(QR_CANVAS);
        return page.locator("div[data-ref]").getAttribute("data-ref");
    }

    /** Waits for a QR different from {@code previous}. */
    public String nextQrPayload(String previous) {
        page.waitForFunction(
                "p => { const d = document.querySelector('div[data-ref]'); return d && d.dataset.ref !== p; }",
                previous);
        return qrPayload();
    }

    public void waitReady() {
        page.waitForSelector("#pane-side div[aria-label=\"Chat list\"]");
        page.waitForFunction("window.require('WAWebSocketModel').Socket.hasSynced === true");
    }

    @SuppressWarnings("unchecked")
    public List<String> states() {
        return (List<String>) page.evaluate("window.__rec.states");
    }

    @SuppressWarnings("unchecked")
    public List<java.util.Map<String, Object>> adds() {
        return (List<java.util.Map<String, Object>>) page.evaluate("window.__rec.adds");
    }

    /** Waits until the recorder saw {@code n} messages added with {@code isNewMsg} true. */
    public void waitForNewMessages(int n) {
        page.waitForFunction("n => window.__rec.adds.filter(a => a.isNewMsg && !a.fromMe).length >= n", n);
    }

    public Locator chatRow(String name) {
        return page.locator("#pane-side div[role=\"listitem\"]:has(span[title=\"" + name + "\"])");
    }

    public Locator bubble(String serializedId) {
        return page.locator("div[role=\"row\"] > div[data-id=\"" + serializedId + "\"]");
    }

    /** The storage state with IndexedDB, as a gateway would snapshot it. */
    public String storageState() {
        return context.storageState(new BrowserContext.StorageStateOptions().setIndexedDB(true));
    }

    public String baseUrl() {
        return baseUrl;
    }

    public void close() {
        context.close();
    }
}
