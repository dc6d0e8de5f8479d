package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wagw.node.testing.TestEnv;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A snapshot restored by {@link StorageRestore} in real Chromium: the page's own first script finds the
 * IndexedDB and localStorage of the snapshot exactly as Playwright captured them (values JSON cannot hold
 * included), cookies come back, and a reload keeps what the page changed since.
 */
class StorageRestoreTest {
    /** The app's first script: reads everything at once, before anything else could have waited for a restore. */
    private static final String APP = """
            <!doctype html><title>app</title><script>
            window.seen = (async () => {
              const open = (name) => new Promise((ok, fail) => {
                const r = indexedDB.open(name);
                r.onsuccess = () => ok(r.result);
                r.onerror = () => fail(r.error);
              });
              const all = (db, store) => new Promise((ok) => {
                const out = [];
                const c = db.transaction(store).objectStore(store).openCursor();
                c.onsuccess = () => {
                  const cur = c.result;
                  if (!cur) return ok(out);
                  out.push([cur.key, cur.value]);
                  cur.continue();
                };
              });
              const describe = (v) => {
                if (v instanceof ArrayBuffer) return 'ArrayBuffer:' + Array.from(new Uint8Array(v)).join(',');
                if (ArrayBuffer.isView(v)) return v.constructor.name + ':' + Array.from(v).join(',');
                if (v instanceof Date) return 'Date:' + v.toISOString();
                if (Array.isArray(v)) return v.map(describe);
                if (v && typeof v === 'object') {
                  const o = {};
                  Object.keys(v).sort().forEach((k) => { o[k] = describe(v[k]); });
                  return o;
                }
                return v === undefined ? 'undefined' : v;
              };
              const keys = (await indexedDB.databases()).map((d) => d.name + '@' + d.version).sort();
              const signal = await open('signal-storage');
              const model = await open('model-storage');
              const msgStore = model.transaction('message').objectStore('message');
              const out = {
                databases: keys,
                identity: describe(await all(signal, 'identity-store')),
                prekeys: describe(await all(signal, 'prekey-store')),
                messages: describe(await all(model, 'message')),
                messageIndexes: Array.from(msgStore.indexNames),
                keyPath: msgStore.keyPath,
                autoIncrement: signal.transaction('log').objectStore('log').autoIncrement,
                log: describe(await all(signal, 'log')),
                local: localStorage.getItem('WANoiseInfo'),
              };
              signal.close();
              model.close();
              return JSON.stringify(out);
            })();
            </script>
            """;

    private static final String WRITE = """
            async () => {
              localStorage.setItem('WANoiseInfo', '{"staticKeyPair":"x"}');
              const open = (name, upgrade) => new Promise((ok, fail) => {
                const r = indexedDB.open(name, 3);
                r.onupgradeneeded = () => upgrade(r.result);
                r.onsuccess = () => ok(r.result);
                r.onerror = () => fail(r.error);
              });
              const done = (tx) => new Promise((ok) => { tx.oncomplete = ok; });
              const signal = await open('signal-storage', (db) => {
                db.createObjectStore('identity-store');
                db.createObjectStore('prekey-store');
                db.createObjectStore('log', { autoIncrement: true });
              });
              let tx = signal.transaction(['identity-store', 'prekey-store', 'log'], 'readwrite');
              tx.objectStore('identity-store').put({ pubKey: new Uint8Array([1, 2, 250]).buffer, n: -0 }, 'identity-key');
              tx.objectStore('prekey-store').put({ keyId: 0, pair: new Uint8Array([9, 8]), at: new Date(1700000000000) }, 3);
              tx.objectStore('prekey-store').put({ keyId: 7, list: [1, 'two', new Int32Array([-3])] }, 7);
              tx.objectStore('log').add('first');
              tx.objectStore('log').add({ missing: undefined });
              await done(tx);
              const model = await open('model-storage', (db) => {
                db.createObjectStore('message', { keyPath: 'id' }).createIndex('byChat', ['chat', 't']);
              });
              tx = model.transaction('message', 'readwrite');
              tx.objectStore('message').put({ id: 'false_1@c.us_A', chat: '1@c.us', t: 5, body: 'hello' });
              tx.objectStore('message').put({ id: 'false_1@c.us_B', chat: '1@c.us', t: 6, body: 'again' });
              await done(tx);
              signal.close();
              model.close();
            }
            """;

    private static Vertx vertx;
    private static HttpServer server;
    private static TestEnv.Chromium chromium;
    private static Browser browser;
    private static String url;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(r -> r.response()
                        .putHeader("content-type", "text/html")
                        .end("/blank".equals(r.path()) ? "<!doctype html><title>blank</title>" : APP))
                .listen(0, "127.0.0.1")
                .await();
        url = "http://127.0.0.1:" + server.actualPort() + "/";
        chromium = TestEnv.launchChromium();
        browser = chromium.browser();
    }

    @AfterAll
    static void stop() {
        chromium.close();
        vertx.close().await();
    }

    private static String seen(Page page) {
        return (String) page.evaluate("() => window.seen");
    }

    @Test
    void thePagesFirstScriptFindsTheSnapshotAsCapturedAndAReloadKeepsWhatThePageChanged() {
        BrowserContext original = browser.newContext();
        Page first = original.newPage();
        first.navigate(url + "blank");
        first.evaluate(WRITE);
        original.addCookies(List.of(new Cookie("sid", "42").setUrl(url)));
        first.navigate(url);
        String expected = seen(first);
        String snapshot = original.storageState(new BrowserContext.StorageStateOptions().setIndexedDB(true));
        original.close();

        assertThat(expected).contains("ArrayBuffer:1,2,250", "Uint8Array:9,8", "Date:2023-11-14", "Int32Array:-3");
        BrowserContext restored =
                StorageRestore.newContext(browser, new Browser.NewContextOptions(), StorageRestore.split(snapshot));
        try {
            Page page = restored.newPage();
            page.navigate(url);
            assertThat(seen(page)).isEqualTo(expected);
            assertThat(restored.cookies(url))
                    .extracting(c -> c.name + "=" + c.value)
                    .containsExactly("sid=42");

            // the app logs out: it wipes its storage and reloads; the snapshot must not come back
            page.evaluate("() => { localStorage.clear(); }");
            page.reload();
            assertThat(page.evaluate("() => localStorage.getItem('WANoiseInfo')"))
                    .isNull();
        } finally {
            restored.close();
        }
    }

    @Test
    void aSnapshotWithoutOriginsOrCookiesGivesAPlainContextAndGarbageIsRefused() {
        var split = StorageRestore.split("{\"cookies\":[]}");
        assertThat(split.originsScript()).isNull();
        assertThat(split.cookiesState()).isEqualTo("{\"cookies\":[],\"origins\":[]}");
        assertThatThrownBy(() -> StorageRestore.split("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage state");
    }
}
