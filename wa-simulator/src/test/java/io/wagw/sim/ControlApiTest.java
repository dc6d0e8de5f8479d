package io.wagw.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wagw.sim.api.AccountInfo;
import io.wagw.sim.api.DeviceInfo;
import io.wagw.sim.api.Faults;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.api.PageInfo;
import io.wagw.sim.api.Stats;
import io.wagw.sim.client.SimClient;
import io.wagw.sim.client.SimClient.SimApiException;
import io.wagw.sim.testing.ProtocolPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every control endpoint and every bad input, over real HTTP, with pages that speak the page protocol. */
class ControlApiTest {
    private static final AtomicLong PHONES = new AtomicLong(77040000000L);
    private static final AtomicLong CUSTOMERS = new AtomicLong(79040000000L);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WaSimulator sim;
    private static SimClient api;
    private final List<ProtocolPage> pages = new ArrayList<>();

    @BeforeAll
    static void start() {
        sim = WaSimulator.start(SimulatorOptions.fast().withSyncMs(1).withMaxTextChars(100));
        api = sim.client();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void closePages() {
        pages.forEach(ProtocolPage::close);
        api.faults(Faults.NONE);
    }

    private static String newAccount() {
        String phone = String.valueOf(PHONES.incrementAndGet());
        api.createAccount(phone, "Shop");
        return phone;
    }

    private static String newCustomer() {
        return String.valueOf(CUSTOMERS.incrementAndGet());
    }

    private ProtocolPage page() {
        ProtocolPage p = ProtocolPage.open(sim.baseUrl(), true);
        pages.add(p);
        return p;
    }

    private ProtocolPage linkedPage(String phone) {
        ProtocolPage p = page();
        api.linkByQr(phone, p.hello());
        p.completeLogin();
        return p;
    }

    /** A raw call: status and JSON body. */
    private static Map.Entry<Integer, JsonNode> raw(String method, String path, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return Map.entry(r.statusCode(), JSON.readTree(r.body()));
    }

    private static void assertError(Map.Entry<Integer, JsonNode> r, int status, String error, String field) {
        assertThat(r.getKey()).as(r.getValue().toString()).isEqualTo(status);
        assertThat(r.getValue().get("error").asText()).isEqualTo(error);
        assertThat(r.getValue().get("message").asText()).isNotBlank();
        if (field == null) assertThat(r.getValue().get("field").isNull()).isTrue();
        else assertThat(r.getValue().get("field").asText()).isEqualTo(field);
    }

    // ---- accounts ----

    @Test
    void accountsAreCreatedListedAndRead() throws Exception {
        String phone = newAccount();
        AccountInfo a = api.account(phone);
        assertThat(a.wid()).isEqualTo(phone + "@c.us");
        assertThat(a.pushName()).isEqualTo("Shop");
        assertThat(a.devices()).isEmpty();
        var list = raw("GET", "/sim/accounts?limit=10000", null);
        assertThat(list.getKey()).isEqualTo(200);
        assertThat(list.getValue().get("total").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(list.getValue().get("accounts").findValuesAsText("phone")).contains(phone);
        assertThat(raw("GET", "/sim/health", null).getValue().get("status").asText())
                .isEqualTo("ok");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"phone\":\"77012\",|400|malformed_json|",
                "[1,2]|400|malformed_json|",
                "''|400|malformed_json|",
                "{\"phone\":77011111111,\"pushName\":\"x\"}|400|invalid_field|phone",
                "{\"phone\":\"+7 701 111\",\"pushName\":\"x\"}|400|invalid_field|phone",
                "{\"phone\":\"77011111111\"}|400|invalid_field|pushName",
                "{\"phone\":\"77011111111\",\"pushName\":true}|400|invalid_field|pushName",
                "{\"phone\":\"77011111111\",\"pushName\":\"abcdefghijklmnopqrstuvwxyz0123\"}|400|invalid_field|pushName",
            })
    void badAccountBodiesAreRefusedNamingTheProblem(String body, int status, String error, String field)
            throws Exception {
        assertError(raw("POST", "/sim/accounts", body.equals("''") ? "" : body), status, error, field);
        assertThatThrownBy(() -> api.account("77011111111"))
                .isInstanceOfSatisfying(
                        SimApiException.class, e -> assertThat(e.error()).isEqualTo("unknown_account"));
    }

    @Test
    void duplicateAccountIsAConflictAndKeepsTheFirst() {
        String phone = newAccount();
        assertThatThrownBy(() -> api.createAccount(phone, "Other")).isInstanceOfSatisfying(SimApiException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.error()).isEqualTo("account_exists");
        });
        assertThat(api.account(phone).pushName()).isEqualTo("Shop");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "GET|/sim/accounts/77049999999|",
                "GET|/sim/accounts/77049999999/devices|",
                "GET|/sim/accounts/77049999999/sent|",
                "GET|/sim/accounts/77049999999/received|",
                "DELETE|/sim/accounts/77049999999/devices/1|",
                "POST|/sim/accounts/77049999999/link|{\"code\":\"ABCD-EFGH\"}",
                "POST|/sim/customers/79049999999/messages|{\"to\":\"77049999999\",\"text\":\"hi\"}",
            })
    void unknownAccountIs404Everywhere(String method, String path, String body) throws Exception {
        assertError(raw(method, path, body), 404, "unknown_account", "phone");
    }

    @Test
    void unknownRoutesAndMethodsAreJsonErrors() throws Exception {
        assertError(raw("GET", "/sim/nothing-here", null), 404, "not_found", null);
        assertError(raw("PATCH", "/sim/stats", null), 405, "method_not_allowed", null);
        assertError(raw("GET", "/sim/accounts?limit=zero", null), 400, "invalid_field", "limit");
    }

    // ---- linking ----

    @Test
    void linkByQrPairsThePageWhichLogsInAndSyncs() {
        String phone = newAccount();
        ProtocolPage p = page();
        String qr = p.hello();
        assertThat(api.pages())
                .filteredOn(pi -> qr.equals(pi.qr()))
                .singleElement()
                .satisfies(pi -> assertThat(pi.state()).isEqualTo("qr"));
        DeviceInfo d = api.linkByQr(phone, qr);
        assertThat(d.id()).isEqualTo(phone + ":1");
        assertThat(d.jid()).isEqualTo(phone + ":1@s.whatsapp.net");
        JsonNode sync = p.completeLogin();
        assertThat(sync.get("chats").size()).isZero();
        assertThat(api.devices(phone)).singleElement().satisfies(x -> {
            assertThat(x.liveConnections()).isEqualTo(1);
            assertThat(x.active()).isTrue();
        });
        assertThatThrownBy(() -> api.linkByQr(phone, qr))
                .isInstanceOfSatisfying(
                        SimApiException.class, e -> assertThat(e.error()).isEqualTo("qr_expired"));
    }

    @Test
    void badQrPayloadsAreRefused() throws Exception {
        String phone = newAccount();
        ProtocolPage p = page();
        String qr = p.hello();
        String[] parts = qr.split(",");
        String otherKeys = String.join(",", parts[0], p.identityPub, p.noisePub, parts[3], parts[4]);
        String unknownRef = "2@" + "A".repeat(64) + qr.substring(qr.indexOf(','));
        String path = "/sim/accounts/" + phone + "/link";
        assertError(raw("POST", path, "{\"qr\":\"not a qr\"}"), 400, "invalid_qr_payload", "qr");
        assertError(
                raw("POST", path, "{\"qr\":" + JSON.writeValueAsString(otherKeys) + "}"),
                400,
                "qr_keys_mismatch",
                "qr");
        assertError(raw("POST", path, "{\"qr\":" + JSON.writeValueAsString(unknownRef) + "}"), 404, "unknown_qr", "qr");
        assertError(raw("POST", path, "{\"qr\":5}"), 400, "invalid_field", "qr");
        assertError(raw("POST", path, "{}"), 400, "invalid_field", "qr");
        assertError(raw("POST", path, "{\"qr\":\"a\",\"code\":\"b\"}"), 400, "invalid_field", "qr");
        assertError(raw("POST", path, "{\"code\":\"ABC\"}"), 400, "invalid_pairing_code", "code");
        assertError(raw("POST", path, "{\"code\":\"ABCD-EFGH\"}"), 404, "unknown_pairing_code", "code");
        // None of that consumed the page's QR.
        assertThat(api.linkByQr(phone, qr).id()).isEqualTo(phone + ":1");
    }

    @Test
    void qrOfAClosedPageHasExpired() {
        String phone = newAccount();
        ProtocolPage p = page();
        String qr = p.hello();
        p.close();
        pages.remove(p);
        awaitCondition(() -> api.pages().stream().noneMatch(pi -> qr.equals(pi.qr())));
        assertThatThrownBy(() -> api.linkByQr(phone, qr))
                .isInstanceOfSatisfying(
                        SimApiException.class, e -> assertThat(e.status()).isEqualTo(410));
    }

    @Test
    void pairingCodeLinksThroughTheProtocol() {
        String phone = newAccount();
        ProtocolPage p = page();
        p.hello();
        p.send(p.obj("link-code").put("phone", phone));
        String code = p.await("link-code").get("code").asText();
        assertThat(api.pages()).filteredOn(pi -> code.equals(pi.code())).hasSize(1);
        assertThat(api.linkByCode(phone, code).via()).isEqualTo("code");
        p.completeLogin();
    }

    // ---- devices ----

    @Test
    void unlinkLogsOutEveryPageOfTheDevice() throws Exception {
        String phone = newAccount();
        ProtocolPage p = linkedPage(phone);
        assertError(raw("DELETE", "/sim/accounts/" + phone + "/devices/9", null), 404, "unknown_device", "deviceId");
        assertError(
                raw("DELETE", "/sim/accounts/" + phone + "/devices/77000000000:1", null),
                404,
                "unknown_device",
                "device");
        var r = raw("DELETE", "/sim/accounts/" + phone + "/devices/" + phone + ":1", null);
        assertThat(r.getKey()).isEqualTo(200);
        assertThat(r.getValue().get("loggedOutPages").asInt()).isEqualTo(1);
        assertThat(p.await("logged-out").get("reason").asText()).isEqualTo("unlinked");
        assertThat(api.devices(phone)).isEmpty();
        // The old credentials no longer log in.
        ProtocolPage again = ProtocolPage.openAs(sim.baseUrl(), true, p);
        pages.add(again);
        again.login(false);
        assertThat(again.await("login-refused").get("reason").asText()).isEqualTo("unknown_device");
    }

    @Test
    void twoLiveConnectionsWithOneDevicesCredentialsCountAConflict() {
        String phone = newAccount();
        ProtocolPage first = linkedPage(phone);
        long before = api.stats().conflicts();
        ProtocolPage second = ProtocolPage.openAs(sim.baseUrl(), true, first);
        pages.add(second);
        second.login(false);
        second.await("welcome");
        first.await("conflict");
        assertThat(api.stats().conflicts()).isEqualTo(before + 1);
        assertThat(api.devices(phone).get(0).liveConnections()).isEqualTo(2);
        first.send(first.obj("takeover"));
        first.await("welcome");
        second.await("conflict");
        assertThat(api.stats().conflicts()).isEqualTo(before + 2);
    }

    // ---- messages ----

    @Test
    void customerMessagesAreDeliveredAndListed() throws Exception {
        String phone = newAccount();
        String customer = newCustomer();
        ProtocolPage p = linkedPage(phone);
        MessageInfo m = api.customerSends(customer, phone, "hello");
        assertThat(m.ack()).isEqualTo(1);
        JsonNode frame = p.await("msg");
        assertThat(frame.at("/id/_serialized").asText()).isEqualTo(m.serializedId());
        assertThat(frame.get("isNewMsg").asBoolean()).isTrue();
        assertThat(frame.get("notifyName").asText()).isEqualTo("Customer " + customer.substring(customer.length() - 4));
        awaitCondition(() -> api.received(phone).get(0).ack() == 2);
        var filtered = raw("GET", "/sim/accounts/" + phone + "/received?customer=" + customer, null);
        assertThat(filtered.getValue().get("messages").size()).isEqualTo(1);
        assertThat(raw("GET", "/sim/accounts/" + phone + "/received?customer=79000000000", null)
                        .getValue()
                        .get("messages")
                        .size())
                .isZero();
    }

    @Test
    void badMessagesAreRefusedAndTheAccountIsUntouched() throws Exception {
        String phone = newAccount();
        String customer = newCustomer();
        String path = "/sim/customers/" + customer + "/messages";
        assertError(
                raw("POST", path, "{\"to\":\"" + phone + "\",\"text\":\"" + "x".repeat(101) + "\"}"),
                413,
                "text_too_long",
                "text");
        assertError(raw("POST", path, "{\"to\":\"" + phone + "\",\"text\":\"\"}"), 400, "invalid_field", "text");
        assertError(raw("POST", path, "{\"to\":\"" + phone + "\",\"text\":42}"), 400, "invalid_field", "text");
        assertError(raw("POST", path, "{\"to\":\"" + phone + "\"}"), 400, "invalid_field", "text");
        assertError(raw("POST", path, "{\"to\":[1],\"text\":\"x\"}"), 400, "invalid_field", "to");
        assertError(raw("POST", path, "{\"to\":\"" + phone + "\",\"text\":"), 400, "malformed_json", null);
        assertError(
                raw("POST", "/sim/customers/abc/messages", "{\"to\":\"" + phone + "\",\"text\":\"x\"}"),
                400,
                "invalid_field",
                "phone");
        assertError(
                raw("POST", "/sim/customers/" + phone + "/messages", "{\"to\":\"" + phone + "\",\"text\":\"x\"}"),
                409,
                "is_account",
                "phone");
        assertError(
                raw("POST", path, "{\"to\":\"" + phone + "\",\"text\":\"" + "y".repeat(5 * 1024 * 1024) + "\"}"),
                413,
                "body_too_large",
                null);
        assertThat(api.received(phone)).isEmpty();
        assertThat(api.account(phone).pushName()).isEqualTo("Shop");
    }

    @Test
    void batchAcceptsAllOrNothing() throws Exception {
        String phone = newAccount();
        String c1 = newCustomer();
        String c2 = newCustomer();
        String bad = "{\"messages\":[{\"from\":\"" + c1 + "\",\"to\":\"" + phone + "\",\"text\":\"a\"},"
                + "{\"from\":\"" + c2 + "\",\"to\":\"77049999998\",\"text\":\"b\"}]}";
        var r = raw("POST", "/sim/messages/batch", bad);
        assertError(r, 404, "unknown_account", "messages[1].phone");
        assertThat(api.received(phone)).isEmpty();
        assertError(raw("POST", "/sim/messages/batch", "{\"messages\":{}}"), 400, "invalid_field", "messages");
        String good = "{\"messages\":[{\"from\":\"" + c1 + "\",\"to\":\"" + phone + "\",\"text\":\"a\"},"
                + "{\"from\":\"" + c2 + "\",\"to\":\"" + phone + "\",\"text\":\"b\"}]}";
        var ok = raw("POST", "/sim/messages/batch", good);
        assertThat(ok.getKey()).isEqualTo(202);
        assertThat(ok.getValue().get("accepted").asInt()).isEqualTo(2);
        assertThat(api.received(phone)).extracting(MessageInfo::text).containsExactly("a", "b");
    }

    @Test
    void pageSendsAreRecordedOnceWithAcksFromTheCustomer() throws Exception {
        String phone = newAccount();
        String customer = newCustomer();
        api.upsertCustomer(customer, "Ann", false);
        ProtocolPage p = linkedPage(phone);
        var send = p.obj("send")
                .put("id", "3EB0AAAABBBBCCCCDDDD")
                .put("to", customer)
                .put("body", "hi Ann");
        p.send(send);
        JsonNode result = p.await("send-result");
        assertThat(result.get("ok").asBoolean()).isTrue();
        assertThat(result.get("id").asText()).isEqualTo("true_" + customer + "@c.us_3EB0AAAABBBBCCCCDDDD");
        p.send(send); // a resend after a reconnect must not record a second message
        p.await("send-result");
        assertThat(api.sent(phone))
                .singleElement()
                .satisfies(m -> assertThat(m.ack()).isEqualTo(1));

        String path = "/sim/customers/" + customer + "/acks";
        assertError(
                raw("POST", path, "{\"account\":\"" + phone + "\",\"ack\":\"server\"}"), 400, "invalid_field", "ack");
        assertError(raw("POST", path, "{\"account\":\"" + phone + "\",\"ack\":\"seen\"}"), 400, "invalid_field", "ack");
        assertError(
                raw("POST", path, "{\"account\":\"" + phone + "\",\"ack\":\"read\",\"ids\":\"x\"}"),
                400,
                "invalid_field",
                "ids");
        assertError(
                raw("POST", "/sim/customers/79049999997/read", "{\"account\":\"" + phone + "\"}"),
                404,
                "unknown_customer",
                "phone");
        assertThat(api.customerAcks(customer, phone, "delivered")).isEqualTo(1);
        assertThat(p.await("ack").get("ack").asInt()).isEqualTo(2);
        assertThat(api.customerAcks(customer, phone, "delivered")).isZero();
        assertThat(api.customerReads(customer, phone)).isEqualTo(1);
        assertThat(p.await("ack").get("ack").asInt()).isEqualTo(3);
        assertThat(api.customerAcks(customer, phone, "played")).isEqualTo(1);
        assertThat(api.sent(phone).get(0).ackName()).isEqualTo("played");
    }

    @Test
    void pageFramesWithBadInputGetErrorsAndTheConnectionSurvives() {
        String phone = newAccount();
        ProtocolPage p = linkedPage(phone);
        p.send(JSON.createObjectNode()
                .put("type", "send")
                .put("id", "X1")
                .put("to", "12")
                .put("body", "x"));
        assertThat(p.await("error").get("field").asText()).isEqualTo("to");
        p.send(p.obj("send").put("id", "X2").put("to", newCustomer()).put("body", "z".repeat(101)));
        assertThat(p.await("error").get("field").asText()).isEqualTo("body");
        p.send(p.obj("nonsense"));
        assertThat(p.await("error").get("message").asText()).contains("unknown frame type");
        p.send(JSON.getNodeFactory().textNode("not an object"));
        assertThat(p.await("error").get("message").asText()).contains("JSON object");
        String unknown = "15550009999";
        p.send(p.obj("send").put("id", "X3").put("to", unknown).put("body", "hi"));
        assertThat(p.await("send-result").get("error").asText()).isEqualTo("not_on_whatsapp");
        api.customerSends(newCustomer(), phone, "still alive");
        p.await("msg");
    }

    @Test
    void customersAreRegisteredAndValidated() throws Exception {
        String customer = newCustomer();
        assertThat(api.upsertCustomer(customer, "Zarina", null).online()).isTrue();
        assertThat(api.upsertCustomer(customer, null, false).pushName()).isEqualTo("Zarina");
        var got = raw("GET", "/sim/customers/" + customer, null);
        assertThat(got.getValue().get("online").asBoolean()).isFalse();
        assertError(raw("GET", "/sim/customers/79049999996", null), 404, "unknown_customer", "phone");
        assertError(raw("PUT", "/sim/customers/" + customer, "{\"online\":\"yes\"}"), 400, "invalid_field", "online");
        assertError(raw("PUT", "/sim/customers/" + newAccount(), "{}"), 409, "is_account", "phone");
    }

    // ---- offline queue, faults, stats ----

    @Test
    void offlineQueueIsRedeliveredUntilConfirmedThenNeverAgain() {
        String phone = newAccount();
        String customer = newCustomer();
        ProtocolPage first = linkedPage(phone);
        first.close();
        pages.remove(first);
        for (int i = 1; i <= 3; i++) api.customerSends(customer, phone, "q" + i);

        // A page that confirms only the first gets the other two again next time.
        ProtocolPage noAck = ProtocolPage.openAs(sim.baseUrl(), false, first);
        pages.add(noAck);
        noAck.login(true);
        JsonNode q1 = noAck.await("msg");
        assertThat(q1.get("body").asText()).isEqualTo("q1");
        assertThat(noAck.await("msg").get("body").asText()).isEqualTo("q2");
        assertThat(noAck.await("msg").get("body").asText()).isEqualTo("q3");
        noAck.send(noAck.obj("recv-ack").put("seq", q1.get("seq").asLong()));
        awaitCondition(() -> api.received(phone).get(0).ack() == 2);
        assertThat(api.received(phone)).extracting(MessageInfo::ack).containsExactly(2, 1, 1);
        noAck.close();
        pages.remove(noAck);

        ProtocolPage confirming = ProtocolPage.openAs(sim.baseUrl(), true, first);
        pages.add(confirming);
        confirming.login(true);
        assertThat(confirming.await("msg").get("body").asText()).isEqualTo("q2");
        assertThat(confirming.await("msg").get("body").asText()).isEqualTo("q3");
        awaitCondition(() -> api.received(phone).stream().allMatch(m -> m.ack() == 2));
        confirming.close();
        pages.remove(confirming);

        ProtocolPage later = ProtocolPage.openAs(sim.baseUrl(), true, first);
        pages.add(later);
        later.login(true);
        later.await("welcome");
        api.customerSends(customer, phone, "q4");
        assertThat(later.await("msg").get("body").asText()).isEqualTo("q4");
        assertThat(later.receivedIds).hasSize(1);
    }

    @Test
    void faultsAreSetValidatedAndDropClosesEveryConnection() throws Exception {
        assertThat(api.faults(new Faults(250, true))).isEqualTo(new Faults(250, true));
        var current = raw("GET", "/sim/faults", null);
        assertThat(current.getValue().get("latencyMs").asLong()).isEqualTo(250);
        assertError(raw("PUT", "/sim/faults", "{\"latencyMs\":-1}"), 400, "invalid_field", "latencyMs");
        assertError(raw("PUT", "/sim/faults", "{\"latencyMs\":1.5}"), 400, "invalid_field", "latencyMs");
        assertError(raw("PUT", "/sim/faults", "{\"failSends\":1}"), 400, "invalid_field", "failSends");
        api.faults(Faults.NONE);

        String phone = newAccount();
        ProtocolPage p = linkedPage(phone);
        ProtocolPage unlinked = page();
        unlinked.hello();
        int dropped = api.dropConnections();
        assertThat(dropped).isGreaterThanOrEqualTo(2);
        p.await("closed");
        unlinked.await("closed");
        awaitCondition(() -> api.stats().pagesConnected() == 0);
        assertThat(api.devices(phone))
                .singleElement()
                .satisfies(d -> assertThat(d.liveConnections()).isZero());
    }

    @Test
    void statsCountWhatHappened() {
        Stats before = api.stats();
        String phone = newAccount();
        linkedPage(phone);
        api.customerSends(newCustomer(), phone, "x");
        Stats after = api.stats();
        assertThat(after.accounts()).isEqualTo(before.accounts() + 1);
        assertThat(after.devices()).isEqualTo(before.devices() + 1);
        assertThat(after.logins()).isEqualTo(before.logins() + 1);
        assertThat(after.messagesIn()).isEqualTo(before.messagesIn() + 1);
        assertThat(after.activeSessions()).isGreaterThanOrEqualTo(1);
        assertThat(after.pagesConnected()).isGreaterThanOrEqualTo(1);
        assertThat(after.heapUsedBytes()).isPositive();
    }

    @Test
    void pagesListShowsEachConnectionsState() {
        String phone = newAccount();
        ProtocolPage p = linkedPage(phone);
        List<PageInfo> all = api.pages();
        assertThat(all)
                .filteredOn(pi -> (phone + ":1").equals(pi.deviceId()))
                .singleElement()
                .satisfies(pi -> {
                    assertThat(pi.state()).isEqualTo("connected");
                    assertThat(pi.synced()).isTrue();
                    assertThat(pi.userAgent()).contains("Chrome/");
                });
        assertThat(p.isClosed()).isFalse();
    }

    static void awaitCondition(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
