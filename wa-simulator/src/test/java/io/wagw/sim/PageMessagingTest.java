package io.wagw.sim;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import io.wagw.sim.api.Faults;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.testing.Browsers;
import io.wagw.sim.testing.SimPage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages in Chromium: receive, send through the UI and the module surface, acks and ticks, deep link, faults. */
class PageMessagingTest {
    private static final AtomicLong PHONES = new AtomicLong(77020000000L);
    private static final AtomicLong CUSTOMERS = new AtomicLong(79020000000L);
    private static Browsers browsers;
    private static WaSimulator sim;
    private BrowserContext context;
    private String phone;
    private SimPage p;

    @BeforeAll
    static void start() {
        browsers = Browsers.launch();
        sim = WaSimulator.start(SimulatorOptions.fast());
    }

    @AfterAll
    static void stop() {
        sim.close();
        browsers.close();
    }

    @AfterEach
    void closeContext() {
        sim.client().faults(Faults.NONE);
        if (context != null) context.close();
    }

    private void linkedPage(String path) {
        phone = String.valueOf(PHONES.incrementAndGet());
        sim.client().createAccount(phone, "Beauty Salon");
        context = browsers.newContext();
        p = SimPage.open(context, sim.baseUrl(), path);
        sim.client().linkByQr(phone, p.qrPayload());
        p.waitReady();
    }

    private static String newCustomer(String name) {
        String c = String.valueOf(CUSTOMERS.incrementAndGet());
        sim.client().upsertCustomer(c, name, null);
        return c;
    }

    @Test
    void typingIndicatorAndReadReceiptsGoThroughTheChatStateAndUnreadChatModules() {
        linkedPage("/");
        String customer = newCustomer("Dana");
        sim.client().customerSends(customer, phone, "hi");
        p.page.waitForFunction("() => window.require('WAWebCollections').Msg.models.length > 0");
        p.page.evaluate(
                "async (c) => { const wid = window.require('WAWebWidFactory').createWid(c);"
                        + " const cs = window.require('WAWebChatStateBridge');"
                        + " await cs.sendChatStateComposing(wid); await cs.sendChatStatePaused(wid); }",
                customer + "@c.us");
        p.page.evaluate(
                "async (c) => { const coll = window.require('WAWebCollections');"
                        + " const chat = coll.Chat.get(window.require('WAWebWidFactory').createWid(c));"
                        + " await window.require('WAWebUpdateUnreadChatAction').sendSeen({ chat, threadId: undefined }); }",
                customer + "@c.us");
        ControlApiTest.awaitCondition(
                () -> sim.client().received(phone).get(0).ackName().equals("read"));
        ControlApiTest.awaitCondition(() -> List.of("composing", "paused").equals(chatStates(customer)));
    }

    private List<String> chatStates(String customer) {
        var node = sim.client()
                .call("GET", "/sim/customers/" + customer, null)
                .path("chatStates")
                .path(phone);
        List<String> out = new java.util.ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void customerMessageArrivesAsANewMsgInTheChatListAndAsABubble() {
        linkedPage("/");
        String customer = newCustomer("Aigerim");
        MessageInfo sent = sim.client().customerSends(customer, phone, "Hello, are you open today?");
        assertThat(sent.serializedId()).isEqualTo("false_" + customer + "@c.us_" + sent.id());

        p.waitForNewMessages(1);
        Map<String, Object> add = p.adds().get(0);
        assertThat(add)
                .containsEntry("id", sent.serializedId())
                .containsEntry("body", "Hello, are you open today?")
                .containsEntry("isNewMsg", true)
                .containsEntry("fromMe", false)
                .containsEntry("from", customer + "@c.us")
                .containsEntry("notifyName", "Aigerim");
        assertThat(((Number) add.get("t")).longValue()).isEqualTo(sent.t());
        assertThat(p.page.evaluate("id => window.require('WAWebCollections').Msg.get(id).body", sent.serializedId()))
                .isEqualTo("Hello, are you open today?");
        assertThat(p.page.evaluate(
                        "w => window.require('WAWebCollections').Chat.get(w).unreadCount", customer + "@c.us"))
                .isEqualTo(1);

        assertThat(p.chatRow("Aigerim").locator("span[aria-label*=\"unread message\"]"))
                .hasText("1");
        waitForAck(() -> sim.client().received(phone).get(0), 2);

        p.chatRow("Aigerim").click();
        assertThat(p.page.locator("#main")).isVisible();
        var bubble = p.bubble(sent.serializedId());
        assertThat(bubble.locator("div.message-in")).hasCount(1);
        String when = DateTimeFormatter.ofPattern("HH:mm, dd/MM/yyyy")
                .withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochSecond(sent.t()));
        assertThat(bubble.locator("div.copyable-text[data-pre-plain-text]"))
                .hasAttribute("data-pre-plain-text", "[" + when + "] Aigerim: ");
        assertThat(bubble.locator("div.copyable-text span.selectable-text")).hasText("Hello, are you open today?");
        assertThat(p.chatRow("Aigerim").locator("span[aria-label*=\"unread message\"]"))
                .hasCount(0);
        waitForAck(() -> sim.client().received(phone).get(0), 3);
    }

    @Test
    void composerSendShowsTicksFromClockToReadAsAcksArrive() {
        linkedPage("/");
        String customer = newCustomer("Dana");
        sim.client().upsertCustomer(customer, null, false);
        sim.client().customerSends(customer, phone, "hi");
        p.waitForNewMessages(1);
        p.chatRow("Dana").click();

        p.page.locator(SimPage.COMPOSE).click();
        p.page.keyboard().type("We are open until 20:00");
        p.page.keyboard().press("Enter");

        var out = p.page.locator("div[role=\"row\"] > div[data-id^=\"true_" + customer + "@c.us_\"]");
        assertThat(out.locator("div.message-out span.selectable-text")).hasText("We are open until 20:00");
        assertThat(out.locator("span[data-icon=\"msg-check\"]")).hasCount(1);
        assertThat(p.page.locator(SimPage.COMPOSE)).hasText("");
        List<MessageInfo> sent = sim.client().sent(phone);
        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.text()).isEqualTo("We are open until 20:00");
            assertThat(m.ack()).isEqualTo(1);
            assertThat(m.to()).isEqualTo(customer);
            assertThat(m.deviceId()).isEqualTo(phone + ":1");
        });
        assertThat(out.getAttribute("data-id")).isEqualTo(sent.get(0).serializedId());
        assertThat(out.locator("div.copyable-text"))
                .hasAttribute(
                        "data-pre-plain-text",
                        java.util.regex.Pattern.compile("^\\[\\d\\d:\\d\\d, \\d\\d/\\d\\d/\\d{4}\\] Beauty Salon: $"));

        sim.client().upsertCustomer(customer, null, true);
        assertThat(out.locator("span[data-icon=\"msg-dblcheck\"][aria-label=\" Delivered \"]"))
                .hasCount(1);
        assertThat(sim.client().customerReads(customer, phone)).isEqualTo(1);
        assertThat(out.locator("span[data-icon=\"msg-dblcheck\"][aria-label=\" Read \"]"))
                .hasCount(1);
        assertThat(p.page.evaluate("window.__rec.acks.map(a => a.ack)")).isEqualTo(List.of(1, 2, 3));
        assertThat(p.page.evaluate("window.__rec.adds.filter(a => a.fromMe).map(a => [a.isNewMsg, a.ack])"))
                .isEqualTo(List.of(List.of(true, 0)));
        assertThat(sim.client().sent(phone).get(0).ackName()).isEqualTo("read");
    }

    @Test
    void sendButtonAppearsWithTextAndSends() {
        linkedPage("/");
        String customer = newCustomer("Marat");
        sim.client().customerSends(customer, phone, "price?");
        p.waitForNewMessages(1);
        p.chatRow("Marat").click();
        assertThat(p.page.locator("button[aria-label=\"Send\"]")).hasCount(0);
        p.page.locator(SimPage.COMPOSE).click();
        p.page.keyboard().type("5000 KZT");
        p.page.locator("button[aria-label=\"Send\"]:has(span[data-icon=\"wds-ic-send-filled\"])")
                .click();
        assertThat(p.page.locator("div.message-out span.selectable-text")).hasText("5000 KZT");
        waitForAck(() -> sim.client().sent(phone).get(0), 2);
    }

    @Test
    void addAndSendMsgToChatReturnsTheMessageAndTheSendResult() {
        linkedPage("/");
        String customer = newCustomer("Olga");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) p.page.evaluate("""
        async (to) => {
          const { Chat } = window.require('WAWebCollections');
          const MsgKey = window.require('WAWebMsgKey');
          const { Conn } = window.require('WAWebConnModel');
          const chat = await Chat.find(window.require('WAWebWidFactory').createWid(to));
          const id = new MsgKey({ from: Conn.wid, to: chat.id, id: await MsgKey.newId(), selfDir: 'out' });
          const [msgPromise, sendResultPromise] = window.require('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, {
            id, body: 'Your appointment is confirmed', type: 'chat', t: Math.floor(Date.now() / 1000),
            from: Conn.wid, to: chat.id, ack: 0, local: true, self: 'out', isNewMsg: true });
          const msg = await msgPromise;
          const result = await sendResultPromise;
          return { id: msg.id._serialized, fromMe: msg.id.fromMe, result: result.messageSendResult, ack: msg.ack };
        }""", customer + "@c.us");
        assertThat((String) r.get("id")).matches("true_" + customer + "@c\\.us_3EB0[0-9A-F]{16}");
        assertThat(r).containsEntry("fromMe", true).containsEntry("result", "OK");
        MessageInfo sent = waitForAck(() -> sim.client().sent(phone).get(0), 2);
        assertThat(sent.serializedId()).isEqualTo(r.get("id"));
        assertThat(sent.text()).isEqualTo("Your appointment is confirmed");
        assertThat(p.page.evaluate("id => window.require('WAWebCollections').Msg.get(id).ack", r.get("id")))
                .isEqualTo(2);
    }

    @Test
    void chatFindRejectsANumberNotOnWhatsApp() {
        linkedPage("/");
        Object result = p.page.evaluate("""
        () => window.require('WAWebCollections').Chat.find('15550001111@c.us').then(() => 'found', e => 'rejected')""");
        assertThat(result).isEqualTo("rejected");
    }

    @Test
    void deepLinkOpensTheChatWithTheTextInTheComposeBox() {
        String customer = newCustomer("Timur");
        linkedPage("/send?phone=" + customer + "&text=Hello%20from%20the%20salon");
        assertThat(p.page.locator("#main span[title=\"Timur\"]")).isVisible();
        assertThat(p.page.locator(SimPage.COMPOSE)).hasText("Hello from the salon");
        p.page.locator("button[aria-label=\"Send\"]").click();
        MessageInfo sent = waitForAck(() -> sim.client().sent(phone).get(0), 2);
        assertThat(sent.text()).isEqualTo("Hello from the salon");
        assertThat(sent.to()).isEqualTo(customer);
    }

    @Test
    void deepLinkToAnUnknownNumberShowsTheInvalidNumberPopup() {
        linkedPage("/send?phone=15550001111&text=hi");
        var popup = p.page.locator("div[data-animate-modal-popup=\"true\"]");
        assertThat(popup).containsText("Phone number shared via url is invalid.");
        assertThat(p.page.locator("#main")).hasCount(0);
        popup.getByText("OK").click();
        assertThat(popup).hasCount(0);
    }

    @Test
    void failSendsFaultMakesSendsFailWithAckMinusOne() {
        linkedPage("/");
        String customer = newCustomer("Erlan");
        sim.client().faults(new Faults(0, true));
        Object result = p.page.evaluate("""
        async (to) => {
          const chat = await window.require('WAWebCollections').Chat.find(to);
          const [m, r] = window.require('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, { body: 'x', type: 'chat' });
          const msg = await m;
          const res = await r;
          return [res.messageSendResult, msg.ack];
        }""", customer + "@c.us");
        assertThat(result).isEqualTo(List.of("ERROR_UNKNOWN", -1));
        assertThat(sim.client().sent(phone))
                .singleElement()
                .satisfies(m -> assertThat(m.ack()).isEqualTo(-1));
    }

    @Test
    void latencyFaultDelaysMessagesButKeepsTheirOrder() {
        linkedPage("/");
        String customer = newCustomer("Saule");
        sim.client().faults(new Faults(400, false));
        long start = System.nanoTime();
        for (int i = 1; i <= 3; i++) sim.client().customerSends(customer, phone, "m" + i);
        p.waitForNewMessages(3);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
        assertThat(p.page.evaluate("window.__rec.adds.map(a => a.body)")).isEqualTo(List.of("m1", "m2", "m3"));
    }

    @Test
    void droppedConnectionsReconnectAndResumeWithoutQr() {
        linkedPage("/");
        long conflictsBefore = sim.client().stats().conflicts();
        String customer = newCustomer("Nurlan");
        assertThat(sim.client().dropConnections()).isGreaterThanOrEqualTo(1);
        p.page.waitForFunction("window.__rec.states.includes('TIMEOUT')");
        sim.client().customerSends(customer, phone, "are you there?");
        p.waitForState("CONNECTED");
        p.waitForNewMessages(1);
        assertThat(p.states()).containsSubsequence("CONNECTED", "TIMEOUT", "OPENING", "CONNECTED");
        List<String> states = p.states();
        assertThat(states.subList(states.indexOf("CONNECTED"), states.size()))
                .doesNotContain("UNPAIRED", "PAIRING", "CONFLICT");
        assertThat(p.page.evaluate("window.__rec.synced")).isEqualTo(List.of(true));
        assertThat(sim.client().stats().conflicts()).isEqualTo(conflictsBefore);
    }

    /** Polls the control API until the message reaches {@code ack}; returns it. */
    static MessageInfo waitForAck(java.util.function.Supplier<MessageInfo> read, int ack) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        MessageInfo m = read.get();
        while (m.ack() < ack && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            m = read.get();
        }
        assertThat(m.ack()).as("ack of " + m.serializedId()).isEqualTo(ack);
        return m;
    }
}
