package io.wagw.node.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wagw.node.browser.BrowserSettings;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The socket hold of a takeover prepared ahead ({@code hold.js}), in real Chromium against a local WebSocket echo
 * server: a page's sockets connect only once released, behave meanwhile like sockets still connecting, and the
 * tab holds nothing after its release.
 */
class HoldSocketsTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final String OPEN_SOCKET = """
            () => {
              window.events = [];
              const s = new WebSocket('ws://' + location.host + '/echo');
              s.onopen = () => events.push('open');
              s.addEventListener('message', (e) => events.push('message:' + e.data));
              s.onerror = () => events.push('error');
              s.onclose = (e) => events.push('close:' + e.code);
              window.s = s;
              let sendRefused = null;
              try { s.send('too early'); } catch (e) { sendRefused = e.name; }
              return { readyState: s.readyState, connecting: s.readyState === WebSocket.CONNECTING, sendRefused };
            }
            """;

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicInteger connections = new AtomicInteger();
    private static Playwright playwright;
    private static Browser browser;
    private BrowserContext context;
    private Page page;
    private String url;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(r -> r.response()
                        .putHeader("content-type", "text/html")
                        .end("<!doctype html><title>app</title><p>app</p>"))
                .webSocketHandler(ws -> {
                    connections.incrementAndGet();
                    ws.textMessageHandler(ws::writeTextMessage);
                })
                .listen(0, "127.0.0.1")
                .await();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(BrowserSettings.nodeDriverEnv()));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(TestEnv.chromium())
                        .setArgs(BrowserSettings.BASE_ARGS));
    }

    @AfterAll
    static void stop() {
        playwright.close();
        vertx.close().await();
    }

    @BeforeEach
    void openHeldPage() {
        connections.set(0);
        context = browser.newContext();
        WhatsAppBridge.holdSockets(context);
        page = context.newPage();
        url = "http://127.0.0.1:" + server.actualPort() + "/";
        page.navigate(url);
    }

    @AfterEach
    void closePage() {
        context.close();
    }

    @SuppressWarnings("unchecked")
    private List<String> events() {
        return (List<String>) page.evaluate("() => window.events");
    }

    @Test
    void aHeldSocketConnectsOnlyOnceReleasedAndThenWorksAsTheBrowsersOwn() throws Exception {
        assertThat(page.evaluate(OPEN_SOCKET))
                .isEqualTo(java.util.Map.of("readyState", 0, "connecting", true, "sendRefused", "InvalidStateError"));
        Thread.sleep(500);
        assertThat(connections.get()).as("nothing connects while held").isZero();
        assertThat(events()).isEmpty();

        assertThat(WhatsAppBridge.release(page)).isTrue();
        Await.until("open after the release", T, () -> events().contains("open"));
        page.evaluate("() => s.send('hello')");
        Await.until("the echo", T, () -> events().contains("message:hello"));
        assertThat(page.evaluate("() => s.readyState === WebSocket.OPEN && s.url.endsWith('/echo')"))
                .isEqualTo(true);
        assertThat(connections.get()).isEqualTo(1);
        assertThat(page.evaluate("() => Object.prototype.toString.call(new WebSocket('ws://' + location.host + '/x'))"))
                .as("sockets opened after the release are the browser's own")
                .isEqualTo("[object WebSocket]");
        Await.until("the second socket connected", T, () -> connections.get() == 2);

        page.reload();
        page.evaluate(OPEN_SOCKET);
        Await.until(
                "after a reload the tab holds nothing", T, () -> events().contains("open") && connections.get() == 3);
    }

    @Test
    void aHeldSocketClosedBeforeTheReleaseFailsAndNeverConnects() throws Exception {
        page.evaluate(OPEN_SOCKET);
        page.evaluate("() => s.close()");
        Await.until(
                "failed like a socket closed while connecting",
                T,
                () -> events().equals(List.of("error", "close:1006")));
        assertThat(page.evaluate("() => s.readyState")).isEqualTo(3);

        page.reload(); // the app reloads itself before the release: still held
        page.evaluate(OPEN_SOCKET);
        Thread.sleep(500);
        assertThat(connections.get()).isZero();

        assertThat(WhatsAppBridge.release(page)).isTrue();
        Await.until("only the live socket connects", T, () -> events().contains("open"));
        Thread.sleep(300);
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void aPageWithoutTheAppHasNothingToRelease() {
        page.navigate("about:blank");
        assertThat(WhatsAppBridge.release(page)).isFalse();
    }
}
