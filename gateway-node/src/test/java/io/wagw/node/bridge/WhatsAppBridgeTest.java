package io.wagw.node.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.wagw.node.testing.TestEnv;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The way a page's bridge events reach the node, in real Chromium: the binding is there in every document the
 * page loads from the start, and a burst from one page arrives whole and in order.
 */
class WhatsAppBridgeTest {
    /** A page whose very first script reports itself, as bridge.js does when it hooks WhatsApp Web. */
    private static final String APP = "<!doctype html><script>"
            + "window.__wagwEvent(JSON.stringify({type: 'hooked', url: location.href}));</script>";

    private static Vertx vertx;
    private static HttpServer server;
    private static TestEnv.Chromium chromium;
    private static String url;
    private static final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

    private BrowserContext context;
    private Page page;
    private final List<BridgeEvent> events = new ArrayList<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(r -> {
                    if (r.path().startsWith("/held")) {
                        held.add(r); // answered by the test
                    } else {
                        r.response().putHeader("content-type", "text/html").end(APP);
                    }
                })
                .listen(0, "127.0.0.1")
                .await();
        url = "http://127.0.0.1:" + server.actualPort() + "/";
        chromium = TestEnv.launchChromium();
    }

    @AfterAll
    static void stop() {
        chromium.close();
        vertx.close().await();
    }

    @BeforeEach
    void openPage() {
        context = chromium.browser().newContext();
        page = context.newPage();
        WhatsAppBridge.listen(page, events::add);
    }

    @AfterEach
    void closePage() {
        held.forEach(r -> r.connection().close());
        held.clear();
        context.close();
    }

    /** Playwright delivers events while the thread that owns the page is in one of its calls. */
    private void awaitEvents(int count) {
        awaitThat(() -> events.size() >= count);
    }

    private void awaitThat(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            page.waitForTimeout(10);
        }
    }

    @Test
    void openingReturnsBeforeTheServerAnswersAndTheEventsFollow() {
        // the browser's thread serves every page of its browser: it must not wait for a slow server
        WhatsAppBridge.open(page, URI.create(url + "held"));
        awaitThat(() -> !held.isEmpty());
        assertThat(held).hasSize(1);
        assertThat(events).isEmpty();

        held.getFirst().response().putHeader("content-type", "text/html").end(APP);
        awaitEvents(1);

        assertThat(events).containsExactly(new BridgeEvent.Hooked(url + "held"));
    }

    @Test
    void aDocumentThatCannotBeLoadedIsReported() {
        WhatsAppBridge.open(page, URI.create("http://127.0.0.1:" + TestEnv.freePort() + "/"));
        awaitEvents(1);

        assertThat(events).containsExactly(new BridgeEvent.LoadFailed("net::ERR_CONNECTION_REFUSED"));
    }

    @Test
    void aContextWhosePageIsStillLoadingClosesAtOnce() {
        // a session stopped while its page waits for WhatsApp Web's server (Playwright's evaluate would wait for
        // the load to end: the node evaluates in a page only once it works)
        WhatsAppBridge.open(page, URI.create(url + "held"));
        awaitThat(() -> !held.isEmpty());

        context.close(); // as a session's stop does

        assertThat(page.isClosed()).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void aLoadThatAnotherReplacesIsNotAFailure() {
        WhatsAppBridge.open(page, URI.create(url + "held"));
        awaitThat(() -> !held.isEmpty());

        page.navigate(url + "instead"); // as the app does after a logout, say
        awaitEvents(1);
        page.waitForTimeout(200); // a failure of the replaced load would have been reported by now

        assertThat(events).containsExactly(new BridgeEvent.Hooked(url + "instead"));
    }

    @Test
    void everyDocumentThePageLoadsReportsFromItsFirstScript() {
        page.navigate(url + "first");
        page.navigate(url + "second");
        page.reload();
        awaitEvents(3);

        assertThat(events)
                .containsExactly(
                        new BridgeEvent.Hooked(url + "first"),
                        new BridgeEvent.Hooked(url + "second"),
                        new BridgeEvent.Hooked(url + "second"));
    }

    @Test
    void aBurstOfEventsFromOnePageArrivesWholeAndInOrder() {
        page.navigate(url + "burst");
        awaitEvents(1);
        events.clear();

        // more than a page's reconcile sends at once (500); Playwright's own binding overflowed the thread's stack
        // with 800 at once
        page.evaluate(
                "n => { for (let i = 0; i < n; i++) "
                        + "window.__wagwEvent(JSON.stringify({type: 'hooked', url: 'm' + i})); }",
                3_000);
        awaitEvents(3_000);

        assertThat(events)
                .containsExactlyElementsOf(IntStream.range(0, 3_000)
                        .mapToObj(i -> (BridgeEvent) new BridgeEvent.Hooked("m" + i))
                        .toList());
    }

    @Test
    void consoleMessagesOfThePageDoNotGetInTheWay() {
        page.navigate(url + "console");
        awaitEvents(1);
        events.clear();

        // objects logged are held for the page's DevTools session until it lets go of them, every 50 messages
        page.evaluate(
                "n => { for (let i = 0; i < n; i++) { console.log({i}); if (i % 7 === 0) "
                        + "window.__wagwEvent(JSON.stringify({type: 'hooked', url: 'c' + i})); } }",
                300);
        awaitEvents(43);

        assertThat(events)
                .containsExactlyElementsOf(IntStream.iterate(0, i -> i < 300, i -> i + 7)
                        .mapToObj(i -> (BridgeEvent) new BridgeEvent.Hooked("c" + i))
                        .toList());
        assertThat(page.evaluate("() => typeof window.__wagwEvent")).isEqualTo("function");
    }

    @Test
    void whatIsNotTheBridgesJsonIsDropped() {
        page.navigate(url + "noise");
        awaitEvents(1);
        events.clear();

        page.evaluate("() => { window.__wagwEvent('not json'); window.__wagwEvent(JSON.stringify({type: 'nope'}));"
                + " window.__wagwEvent(JSON.stringify({type: 'hooked', url: 'after'})); }");
        awaitEvents(1);

        assertThat(events).containsExactly(new BridgeEvent.Hooked("after"));
    }
}
