package io.wagw.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.options.Cookie;
import io.wagw.node.bridge.WhatsAppBridge;
import io.wagw.node.browser.ChromiumProcesses;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.message.MessageHandler;
import io.wagw.node.testing.Await;
import io.wagw.node.testing.Recorder;
import io.wagw.node.testing.TestEnv;
import io.wagw.sim.WaSimulator;
import io.wagw.sim.api.MessageInfo;
import io.wagw.store.SessionStore;
import io.wagw.store.lease.SessionLease;
import io.wagw.store.message.Message;
import io.wagw.store.message.MessageStatus;
import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session runtime against real Chromium, the simulator over HTTP/WebSocket and the embedded
 * PostgreSQL.
 */
class SessionRuntimeTest {
    private static final Duration T = Duration.ofSeconds(45);

    private final SessionStore store = TestEnv.store();
    private final WaSimulator sim = TestEnv.sim();
    private final Recorder recorder = new Recorder();
    private SessionRuntime runtime;

    @BeforeEach
    void startRuntime() {
        runtime = newRuntime(TestEnv.runtimeConfig("node-a"));
    }

    @AfterEach
    void stopRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @AfterAll
    static void noSessionEverRanTwice() {
        assertThat(TestEnv.sim().client().stats().conflicts())
                .as("conflicts counted by the simulator")
                .isZero();
    }

    private SessionRuntime newRuntime(RuntimeConfig config) {
        var r = new SessionRuntime(config, store, new AutoReplyHandler(), spoolDir());
        r.addListener(recorder);
        return r;
    }

    /** The test node's config with WhatsApp Web at {@code waUrl}: three failed starts in a row make a session FAILED. */
    private static RuntimeConfig failingAfterThree(java.net.URI waUrl, Duration startTimeout) {
        var base = TestEnv.runtimeConfig("node-a");
        return new RuntimeConfig(
                base.nodeId(),
                waUrl,
                10,
                5,
                base.leaseTtl(),
                base.browser(),
                3,
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                startTimeout,
                base.connectionLossGrace(),
                base.snapshotInterval(),
                false,
                base.outbound());
    }

    private static java.nio.file.Path spoolDir() {
        try {
            return java.nio.file.Files.createTempDirectory("wagw-spool");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private SessionStatus status(String name) {
        return runtime.view(name).map(SessionView::status).orElse(null);
    }

    private String awaitQr(String name) {
        Await.until(
                name + " in SCAN_QR_CODE with a QR",
                T,
                () -> status(name) == SessionStatus.SCAN_QR_CODE
                        && runtime.view(name).map(SessionView::qr).isPresent());
        return runtime.qr(name);
    }

    /** Creates an account, starts a session and links it by QR; returns the phone. */
    private String linked(String name) {
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Salon " + name);
        runtime.start(name);
        sim.client().linkByQr(phone, awaitQr(name));
        Await.until(name + " WORKING", T, () -> status(name) == SessionStatus.WORKING);
        return phone;
    }

    @Test
    void aNewSessionShowsThePagesQrAndFollowsItsRotations() {
        String name = TestEnv.session(Map.of());
        var started = runtime.start(name);
        assertThat(started.status()).isEqualTo(SessionStatus.STARTING);
        String first = awaitQr(name);
        var worker = runtime.worker(name);
        String onPage =
                worker.host().call(b -> WhatsAppBridge.currentQr(worker.page()).orElse(null), T);
        assertThat(first).isEqualTo(onPage).matches("[^,]+,[^,]+,[^,]+,[^,]+,[^,]+");
        assertThat(store.sessions().get(name).status()).isEqualTo(SessionStatus.SCAN_QR_CODE);

        String second = Await.value("a rotated QR", T, () -> {
            String now = runtime.qr(name);
            return now.equals(first) ? null : now;
        });
        String onPageNow =
                worker.host().call(b -> WhatsAppBridge.currentQr(worker.page()).orElse(null), T);
        assertThat(second).isEqualTo(onPageNow);
        assertThat(recorder.qrsOf(name)).containsSubsequence(first, second);
    }

    @Test
    void linkingMakesTheSessionWorkWithItsOwnIdAndAutoRepliesReachThePhone() {
        String name = TestEnv.session(Map.of(AutoReplyHandler.CONFIG_KEY, "Thanks! We answer within an hour."));
        String phone = linked(name);
        assertThat(runtime.view(name).orElseThrow().me()).isEqualTo(phone + "@c.us");
        assertThat(store.sessions().get(name).meId()).isEqualTo(phone + "@c.us");
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());

        String customer = TestEnv.phone();
        sim.client().customerSends(customer, phone, "Hello, are you open today?");
        String chat = customer + "@c.us";
        Await.until(
                "inbound persisted",
                T,
                () -> store.messages().recent(name, chat, 10).stream()
                        .anyMatch(m -> m.direction() == Message.Direction.IN));
        Await.until(
                "auto-reply at the simulator",
                T,
                () -> sim.client().sent(phone).stream()
                        .anyMatch(m -> m.text().equals("Thanks! We answer within an hour.")));
        MessageInfo reply = sim.client().sent(phone).getFirst();
        assertThat(reply.to()).startsWith(customer);

        Await.until(
                "reply recorded as sent",
                T,
                () -> store.messages().recent(name, chat, 10).stream()
                        .anyMatch(m -> m.direction() == Message.Direction.OUT
                                && m.status() == MessageStatus.SENT
                                && m.ack() >= 1));
        sim.client().customerReads(customer, phone);
        Await.until(
                "read ack stored",
                T,
                () -> store.messages().recent(name, chat, 10).stream()
                        .anyMatch(m -> m.direction() == Message.Direction.OUT && m.ack() == 3));
        assertThat(recorder.inbound).extracting(Message::body).contains("Hello, are you open today?");
    }

    @Test
    void aSlowAnswerHoldsUpOnlyItsOwnChatAndEachChatStaysInOrder() throws Exception {
        runtime.close();
        var release = new java.util.concurrent.CountDownLatch(1);
        var handled = new java.util.concurrent.CopyOnWriteArrayList<String>();
        MessageHandler slowForFirst = (message, config, replier) -> {
            if (message.body().startsWith("slow")) {
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            handled.add(message.body());
            replier.reply(message.chatId(), "re: " + message.body());
        };
        runtime = new SessionRuntime(TestEnv.runtimeConfig("node-a"), store, slowForFirst, spoolDir());
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        String slowCustomer = TestEnv.phone();
        String otherCustomer = TestEnv.phone();
        sim.client().customerSends(slowCustomer, phone, "slow question");
        sim.client().customerSends(slowCustomer, phone, "second from the same customer");
        sim.client().customerSends(otherCustomer, phone, "quick question");
        Await.until("the other customer answered", T, () -> handled.contains("quick question"));
        assertThat(handled).containsExactly("quick question");
        release.countDown();
        Await.until("the slow chat answered", T, () -> handled.size() == 3);
        assertThat(handled).containsExactly("quick question", "slow question", "second from the same customer");
    }

    @Test
    void aRedeliveredInboundMessageIsPersistedAndAnsweredOnce() {
        String name = TestEnv.session(Map.of(AutoReplyHandler.CONFIG_KEY, "Hi!"));
        String phone = linked(name);
        String customer = TestEnv.phone();
        MessageInfo sent = sim.client().customerSends(customer, phone, "price?");
        String chat = customer + "@c.us";
        Await.until(
                "inbound persisted",
                T,
                () -> !store.messages().recent(name, chat, 10).isEmpty());
        Await.until("reply sent", T, () -> sim.client().sent(phone).size() == 1);

        // WhatsApp re-delivers the same message (e.g. after a reconnect): the page reports it again.
        var worker = runtime.worker(name);
        String event = """
                {"type":"message","id":"%s","from":"%s","to":"%s@c.us","body":"price?","msgType":"chat","t":%d}""".formatted(sent.serializedId(), chat, phone, sent.t());
        worker.host().call(b -> worker.page().evaluate("(e) => window.__wagwEvent(e)", event), T);
        worker.host().call(b -> worker.page().evaluate("(e) => window.__wagwEvent(e)", event), T);

        sim.client().customerSends(customer, phone, "and tomorrow?");
        Await.until(
                "second message persisted",
                T,
                () -> store.messages().recent(name, chat, 10).stream()
                                .filter(m -> m.direction() == Message.Direction.IN)
                                .count()
                        == 2);
        Await.until("second reply sent", T, () -> sim.client().sent(phone).size() == 2);
        assertThat(store.messages().recent(name, chat, 10).stream()
                        .filter(m -> m.body().equals("price?")))
                .hasSize(1);
        assertThat(sim.client().sent(phone)).hasSize(2);

        // usage is counted once per stored message, in and out, and reaches the store within seconds
        String tenant = store.sessions().get(name).tenant();
        Await.until("usage counted", T, () -> {
            var u = store.usage().get(tenant, YearMonth.now(ZoneOffset.UTC));
            return u.messagesIn() == 2 && u.messagesOut() == 2;
        });
    }

    @Test
    void aRestartedRuntimeResumesTheSessionFromItsSnapshotWithoutAQr() {
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());
        runtime.close();
        assertThat(store.sessions().get(name).status()).isEqualTo(SessionStatus.STOPPED);
        assertThat(store.leases().current(name))
                .as("lease released on graceful stop")
                .isEmpty();

        recorder.statuses.clear();
        runtime = newRuntime(TestEnv.runtimeConfig("node-b"));
        runtime.start(name);
        Await.until("WORKING again", T, () -> status(name) == SessionStatus.WORKING);
        assertThat(recorder.statusesOf(name))
                .extracting(SessionView::status)
                .doesNotContain(SessionStatus.SCAN_QR_CODE);
        assertThat(runtime.view(name).orElseThrow().me()).isEqualTo(phone + "@c.us");
        assertThat(runtime.view(name).orElseThrow().epoch()).isGreaterThan(1);

        awaitInboundStored(name, phone, "still there?", "inbound after restore");
    }

    /** A customer writes to {@code phone}; waits until the session stored the message. */
    private void awaitInboundStored(String name, String phone, String text, String what) {
        String customer = TestEnv.phone();
        sim.client().customerSends(customer, phone, text);
        Await.until(
                what,
                T,
                () -> !store.messages().recent(name, customer + "@c.us", 5).isEmpty());
    }

    @Test
    void aMessageStoredButLeftUnansweredIsAnsweredOnceWhenTheSessionWorksAgain() throws InterruptedException {
        String name = TestEnv.session(Map.of(AutoReplyHandler.CONFIG_KEY, "Sorry for the wait!"));
        String phone = linked(name);
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());
        runtime.stop(name);
        Await.until("stopped", T, () -> runtime.view(name).isEmpty());

        // a previous owner stored this message and died (or moved the session) before it answered
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Late customer", true);
        String chat = customer + "@c.us";
        store.messages().recordInbound(name, chat, "false_" + chat + "_LEFTOVER1", "is anyone there?", Instant.now());
        runtime.start(name);
        Await.until(
                "the left-over message answered",
                T,
                () -> sim.client().sent(phone).stream()
                        .anyMatch(m -> m.to().startsWith(customer) && m.text().equals("Sorry for the wait!")));
        Await.until(
                "marked handled",
                T,
                () -> store.messages()
                        .unhandledInbound(name, Duration.ofMinutes(15))
                        .isEmpty());

        // working again later does not answer it a second time
        runtime.stop(name);
        Await.until("stopped again", T, () -> runtime.view(name).isEmpty());
        runtime.start(name);
        Await.until("WORKING again", T, () -> status(name) == SessionStatus.WORKING);
        Thread.sleep(2000); // a second answer would be queued at WORKING and sent by now
        assertThat(sim.client().sent(phone).stream().filter(m -> m.to().startsWith(customer)))
                .hasSize(1);
        sim.client().customerSends(customer, phone, "hello?");
        Await.until(
                "the new message answered",
                T,
                () -> sim.client().sent(phone).stream()
                                .filter(m -> m.to().startsWith(customer))
                                .count()
                        == 2);
    }

    @Test
    void aTamperedSnapshotFallsBackToTheQrAndSaysWhy() {
        String name = TestEnv.session(Map.of());
        linked(name);
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());
        runtime.stop(name);
        TestEnv.store(); // tamper with the newest ciphertext directly in PostgreSQL
        org.jdbi.v3.core.Jdbi.create(
                        store.jdbcUrl(), "postgres", store.embeddedPassword().orElseThrow())
                .useHandle(h -> h.execute("""
                UPDATE auth_snapshots SET ciphertext = set_byte(ciphertext, 10, (get_byte(ciphertext, 10) + 1) % 256)
                 WHERE session_id = (SELECT id FROM sessions WHERE name = ?)""", name));
        runtime.start(name);
        awaitQr(name);
        assertThat(runtime.view(name).orElseThrow().reason())
                .contains("could not be used")
                .contains("failed authentication");
    }

    @Test
    void aSnapshotWhoseDeviceWasUnlinkedMeanwhileFallsBackToTheQrAndSaysWhy() {
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());
        runtime.stop(name);
        var device = sim.client().devices(phone).getFirst();
        sim.client().unlink(phone, device.id());
        runtime.start(name);
        awaitQr(name);
        assertThat(runtime.view(name).orElseThrow().reason()).contains("no longer log in");
    }

    @Test
    void anUnlinkFromThePhoneGoesBackToTheQrWithoutARestartLoop() {
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());
        sim.client().unlink(phone, sim.client().devices(phone).getFirst().id());
        awaitQr(name);
        var view = runtime.view(name).orElseThrow();
        assertThat(view.reason()).contains("logged out");
        assertThat(view.restarts()).isZero();
        assertThat(store.snapshots().list(name))
                .as("useless credentials discarded")
                .isEmpty();
        assertThat(recorder.statusesOf(name)).extracting(SessionView::status).doesNotContain(SessionStatus.FAILED);
        String fresh = runtime.qr(name);
        sim.client().linkByQr(phone, fresh);
        Await.until("linked again", T, () -> status(name) == SessionStatus.WORKING);
    }

    @Test
    void aQrLeftUnscannedStopsTheSessionAndFreesItsSlot() {
        String name = TestEnv.session(Map.of());
        runtime.start(name);
        awaitQr(name);
        Await.until("session stopped after the QR rounds", Duration.ofSeconds(40), () -> !runtime.runs(name));
        assertThat(store.sessions().get(name).status()).isEqualTo(SessionStatus.STOPPED);
        assertThat(store.sessions().get(name).statusReason()).contains("not scanned");
        assertThat(store.leases().current(name)).isEmpty();
        assertThat(runtime.pool().hosts())
                .allSatisfy(h -> assertThat(runtime.pool().sessionsOn(h)).doesNotContain(name));
    }

    @Test
    void aPairingCodeLinksTheSession() {
        String name = TestEnv.session(Map.of());
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Code Salon");
        runtime.start(name);
        awaitQr(name);
        String code = runtime.requestPairingCode(name, "+" + phone);
        assertThat(code).matches("[A-Z0-9]{8}");
        sim.client().linkByCode(phone, code);
        Await.until("WORKING by code", T, () -> status(name) == SessionStatus.WORKING);
    }

    @Test
    void sendingQueuesInOrderAndAcksFollow() throws Exception {
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Aida", true);
        String chat = customer + "@c.us";
        var first = runtime.sendText(name, chat, "one");
        var second = runtime.sendText(name, chat, "two");
        var third = runtime.sendText(name, chat, "three");
        assertThat(third.get(30, java.util.concurrent.TimeUnit.SECONDS).waMessageId())
                .startsWith("true_" + chat);
        assertThat(first.get().status()).isEqualTo(MessageStatus.SENT);
        assertThat(second.get().status()).isEqualTo(MessageStatus.SENT);
        assertThat(sim.client().sent(phone)).extracting(MessageInfo::text).containsExactly("one", "two", "three");
        Await.until(
                "delivered acks stored",
                T,
                () -> store.messages().recent(name, chat, 10).stream().allMatch(m -> m.ack() >= 2));
        // the last "paused" follows the third send: it may still be on its way when the acks are in
        String expectedStates = "[\"composing\",\"paused\",\"composing\",\"paused\",\"composing\",\"paused\"]";
        Await.until(
                "typing cleared after the third message",
                T,
                () -> sim.client()
                                .call("GET", "/sim/customers/" + customer, null)
                                .path("chatStates")
                                .path(phone)
                                .size()
                        >= 6);
        var states = sim.client()
                .call("GET", "/sim/customers/" + customer, null)
                .path("chatStates")
                .path(phone);
        assertThat(states.toString())
                .as("typing shown before each message, cleared after")
                .isEqualTo(expectedStates);

        sim.client().customerSends(customer, phone, "thanks");
        Await.until(
                "inbound",
                T,
                () -> store.messages().recent(name, chat, 10).stream()
                        .anyMatch(m -> m.direction() == Message.Direction.IN));
        runtime.sendSeen(name, chat);
        Await.until(
                "read receipt at the simulator",
                T,
                () -> sim.client().received(phone).stream()
                        .allMatch(m -> m.ackName().equals("read")));
        assertThatThrownBy(() -> runtime.sendSeen(name, "12@c.us"))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.field()).isEqualTo("chatId"));
    }

    @Test
    void aSessionQueuesAtMostFiftyMessagesAndRefusesTheRestAtOnce() throws Exception {
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        String customer = TestEnv.phone();
        sim.client().upsertCustomer(customer, "Aida", true);
        var sends = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Message>>();
        for (int i = 0; i < 80; i++) {
            sends.add(runtime.sendText(name, customer + "@c.us", "burst " + i));
        }
        var refused = sends.stream()
                .filter(java.util.concurrent.CompletableFuture::isCompletedExceptionally)
                .toList();
        assertThat(refused)
                .as("refused at once, not queued")
                .hasSizeGreaterThanOrEqualTo(80 - OutboundQueue.MAX_QUEUED - 1);
        assertThatThrownBy(() -> refused.getFirst().join())
                .hasCauseInstanceOf(SessionRuntimeException.class)
                .cause()
                .satisfies(e -> assertThat(((SessionRuntimeException) e).code())
                        .isEqualTo(SessionRuntimeException.Code.QUEUE_FULL));
        var accepted = sends.stream().filter(f -> !f.isCompletedExceptionally()).toList();
        for (var f : accepted) {
            assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS).status())
                    .isEqualTo(MessageStatus.SENT);
        }
        assertThat(sim.client().sent(phone)).hasSize(accepted.size());
    }

    @Test
    void aNodesBrowserRunsItsNetworkServiceInProcessAndItsDriverWithTheFootprintSettings() throws Exception {
        String name = TestEnv.session(Map.of());
        linked(name);
        long pid = runtime.worker(name).host().browserPid().orElseThrow();
        ProcessHandle browser = ProcessHandle.of(pid).orElseThrow();
        var children = browser.descendants()
                .map(p -> ChromiumProcesses.commandLine(p.pid()))
                .toList();
        assertThat(children).as("the browser's renderers").anyMatch(c -> c.contains("--type=renderer"));
        assertThat(children)
                .as("no network service process of its own")
                .noneMatch(c -> c.contains("--utility-sub-type=network.mojom.NetworkService"));
        long driver = browser.parent().orElseThrow().pid();
        String driverEnv = ChromiumProcesses.environment(driver);
        assertThat(driverEnv.split(" "))
                .as(
                        "the environment of the Playwright driver %d (%s), parent of browser %d (%s)",
                        driver, ChromiumProcesses.commandLine(driver), pid, ChromiumProcesses.commandLine(pid))
                .contains("MALLOC_ARENA_MAX=1", "MALLOC_MMAP_THRESHOLD_=32768", "NODE_OPTIONS=--max-semi-space-size=1");
    }

    @Test
    void killingAChromiumProcessRestartsOnlyItsSessionsAndTheyComeBackWithoutAQr() throws Exception {
        runtime.close();
        runtime = newRuntime(TestEnv.runtimeConfig("node-a").withCapacity(10, 1)); // one session per browser
        String a = TestEnv.session(Map.of());
        String b = TestEnv.session(Map.of());
        linked(a);
        String phoneB = linked(b);
        Await.until(
                "snapshots saved",
                T,
                () -> !store.snapshots().list(a).isEmpty()
                        && !store.snapshots().list(b).isEmpty());
        var hostA = runtime.worker(a).host();
        var hostB = runtime.worker(b).host();
        assertThat(hostA).isNotSameAs(hostB);
        long pid = hostA.browserPid().orElseThrow();
        recorder.statuses.clear();

        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();

        Await.until(
                a + " restarting",
                T,
                () -> recorder.statusesOf(a).stream().anyMatch(v -> v.status() == SessionStatus.STARTING));
        Await.until(a + " WORKING again", T, () -> status(a) == SessionStatus.WORKING);
        assertThat(recorder.statusesOf(a)).extracting(SessionView::status).doesNotContain(SessionStatus.SCAN_QR_CODE);
        assertThat(recorder.statusesOf(a).stream()
                        .filter(v -> v.status() == SessionStatus.STARTING)
                        .findFirst()
                        .orElseThrow()
                        .reason())
                .contains("browser crashed");
        assertThat(recorder.statusesOf(b))
                .as("the other browser's session is untouched")
                .isEmpty();
        assertThat(status(b)).isEqualTo(SessionStatus.WORKING);
        assertThat(runtime.metrics().browserCrashes()).isEqualTo(1);

        String customer = TestEnv.phone();
        sim.client().customerSends(customer, phoneB, "are you there?");
        Await.until(
                "b still receives",
                T,
                () -> !store.messages().recent(b, customer + "@c.us", 5).isEmpty());
    }

    /** Links a session, lets its runtime stop, and gives its lease to a node that then "dies" holding it. */
    private SessionLease deadOwnerHolds(String name) {
        Await.until("a snapshot saved", T, () -> !store.snapshots().list(name).isEmpty());
        runtime.close();
        var dead =
                store.leases().acquire(name, "node-dead", Duration.ofSeconds(4)).orElseThrow();
        runtime = newRuntime(TestEnv.runtimeConfig("node-b"));
        return dead;
    }

    @Test
    void aTakeoverPreparedWhileTheDeadOwnersLeaseRunsOutConnectsOnlyOnceTheLeaseIsOurs() {
        String name = TestEnv.session(Map.of());
        String phone = linked(name);
        var dead = deadOwnerHolds(name);
        recorder.statuses.clear();

        runtime.prepareTakeover(dead, node -> false);
        assertThat(runtime.prepared().has(name))
                .as("owner still a member: nothing prepared")
                .isFalse();
        runtime.prepareTakeover(dead, "node-dead"::equals);
        Await.until("context prepared", T, () -> runtime.prepared().ready(name));
        runtime.discardPrepared(name);
        assertThat(runtime.preparedTakeovers("expired")).isEqualTo(1);
        runtime.prepareTakeover(dead, "node-dead"::equals);
        Await.until("context prepared again", T, () -> runtime.prepared().ready(name));

        assertThat(sim.client().devices(phone))
                .as("the prepared page does not connect while the lease is another node's")
                .allMatch(d -> d.liveConnections() == 0);
        assertThatThrownBy(() -> runtime.start(name))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.LEASED_ELSEWHERE));
        Await.until("started once the dead owner's lease expired", T, () -> {
            try {
                runtime.start(name);
                return true;
            } catch (SessionRuntimeException e) {
                return false;
            }
        });
        Await.until("WORKING", T, () -> status(name) == SessionStatus.WORKING);
        assertThat(runtime.preparedTakeovers("used")).isEqualTo(1);
        assertThat(runtime.preparedTakeovers("stale")).isZero();
        assertThat(recorder.statusesOf(name))
                .extracting(SessionView::status)
                .doesNotContain(SessionStatus.SCAN_QR_CODE);

        awaitInboundStored(name, phone, "are you open?", "inbound through the prepared page");
    }

    @Test
    void aPreparedTakeoverIsDroppedWhenTheOwnerSavedANewerSnapshotBeforeItsLeaseEnded() throws Exception {
        String name = TestEnv.session(Map.of());
        linked(name);
        var owner = deadOwnerHolds(name);
        runtime.prepareTakeover(owner, "node-dead"::equals);
        Await.until("context prepared", T, () -> runtime.prepared().ready(name));

        // the owner was only cut off: it saves once more before its lease ends (a cookie more)
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var state = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(store.snapshots().latest(name).orElseThrow().state());
        state.withArray("cookies")
                .addObject()
                .put("name", "later")
                .put("value", "1")
                .put("domain", "example.org")
                .put("path", "/")
                .put("expires", -1)
                .put("httpOnly", false)
                .put("secure", false)
                .put("sameSite", "Lax");
        store.snapshots().save(owner, json.writeValueAsBytes(state));
        store.leases().release(owner);

        runtime.start(name);
        Await.until("WORKING", T, () -> status(name) == SessionStatus.WORKING);
        assertThat(runtime.preparedTakeovers("stale")).isEqualTo(1);
        assertThat(runtime.preparedTakeovers("used")).isZero();
        var worker = runtime.worker(name);
        List<Cookie> cookies = worker.host().call(b -> worker.page().context().cookies("https://example.org"), T);
        assertThat(cookies)
                .as("the start restored the newer snapshot")
                .extracting(c -> c.name)
                .contains("later");
    }

    @Test
    void aLostLeaseClosesTheContextAtOnceAndNothingMoreIsWritten() {
        String name = TestEnv.session(Map.of(AutoReplyHandler.CONFIG_KEY, "hello"));
        String phone = linked(name);
        long epoch = runtime.view(name).orElseThrow().epoch();

        // Another node takes the session over (the lease is forced to expire first).
        org.jdbi.v3.core.Jdbi.create(
                        store.jdbcUrl(), "postgres", store.embeddedPassword().orElseThrow())
                .useHandle(h -> h.execute("""
                UPDATE session_leases SET expires_at = clock_timestamp() - interval '1 second'
                 WHERE session_id = (SELECT id FROM sessions WHERE name = ?)""", name));
        var thief = store.leases()
                .acquire(name, "node-thief", Duration.ofSeconds(60))
                .orElseThrow();
        assertThat(thief.epoch()).isEqualTo(epoch + 1);
        store.sessions().recordStatus(thief, SessionStatus.STARTING, "taken over");

        Await.until("runtime lets go", T, () -> !runtime.runs(name));
        Await.until(
                "page disconnected",
                T,
                () -> sim.client().devices(phone).stream().allMatch(d -> d.liveConnections() == 0));
        String customer = TestEnv.phone();
        sim.client().customerSends(customer, phone, "anyone?");
        var row = store.sessions().get(name);
        assertThat(row.status()).isEqualTo(SessionStatus.STARTING);
        assertThat(row.statusReason()).isEqualTo("taken over");
        assertThat(store.messages().recent(name, customer + "@c.us", 5))
                .as("no writes from the old owner")
                .isEmpty();
        assertThat(sim.client().sent(phone)).isEmpty();
        store.leases().release(thief);
    }

    @Test
    void aBrowserThreadBusyLongerThanTheLeaseSlackKeepsItsPagesConnected() {
        runtime.close();
        runtime = newRuntime(TestEnv.runtimeConfig("node-a").withLeaseTtl(Duration.ofSeconds(6)));
        String name = TestEnv.session(Map.of(AutoReplyHandler.CONFIG_KEY, "still here"));
        String phone = linked(name);
        var worker = runtime.worker(name);
        recorder.statuses.clear();

        // The browser thread sits in one long Playwright call (as while it opens other pages under load)
        // for longer than the whole lease; the page's switch must still hear that the lease is renewed.
        worker.host()
                .call(
                        b -> {
                            worker.page().waitForTimeout(9_000);
                            return null;
                        },
                        T);

        assertThat(recorder.statusesOf(name)).as("no restart, no fence").isEmpty();
        assertThat(status(name)).isEqualTo(SessionStatus.WORKING);
        assertThat(sim.client().devices(phone)).anyMatch(d -> d.liveConnections() == 1);
        String customer = TestEnv.phone();
        sim.client().customerSends(customer, phone, "open?");
        Await.until(
                "answered after the busy spell",
                T,
                () -> sim.client().sent(phone).stream().anyMatch(m -> m.text().equals("still here")));
    }

    @Test
    void aSessionThatKeepsFailingGoesFailedInsteadOfFlapping() {
        runtime.close();
        // a page that never shows WhatsApp: every start times out
        runtime = newRuntime(
                failingAfterThree(java.net.URI.create(sim.baseUrl() + "/sim/health"), Duration.ofSeconds(2)));
        String name = TestEnv.session(Map.of());
        runtime.start(name);
        Await.until("FAILED", T, () -> !runtime.runs(name));
        var row = store.sessions().get(name);
        assertThat(row.status()).isEqualTo(SessionStatus.FAILED);
        assertThat(row.statusReason())
                .contains("did not show a QR or become ready")
                .contains("3 failures in a row");
        assertThat(recorder.statusesOf(name).stream()
                        .filter(v -> v.status() == SessionStatus.STARTING
                                && v.reason() != null
                                && v.reason().startsWith("restarting")))
                .hasSize(2);
        assertThat(store.leases().current(name)).as("lease released").isEmpty();
    }

    @Test
    void aWhatsAppWebThatCannotBeReachedFailsEachStartAtOnceWithChromiumsError() {
        runtime.close();
        // the start timeout (a minute) never comes into it: each failed load is reported by the page itself
        runtime = newRuntime(failingAfterThree(
                java.net.URI.create("http://127.0.0.1:" + TestEnv.freePort() + "/"), Duration.ofSeconds(60)));
        String name = TestEnv.session(Map.of());
        runtime.start(name);
        Await.until("FAILED", Duration.ofSeconds(30), () -> !runtime.runs(name));
        var row = store.sessions().get(name);
        assertThat(row.status()).isEqualTo(SessionStatus.FAILED);
        assertThat(row.statusReason())
                .contains("WhatsApp Web did not load: net::ERR_CONNECTION_REFUSED")
                .contains("3 failures in a row");
        assertThat(store.leases().current(name)).as("lease released").isEmpty();
    }

    @Test
    void aSuspendedTenantsSessionStops() {
        String name = TestEnv.session(Map.of());
        linked(name);
        store.tenants().setStatus(store.sessions().get(name).tenant(), io.wagw.store.tenant.TenantStatus.SUSPENDED);
        Await.until("stopped", Duration.ofSeconds(30), () -> !runtime.runs(name));
        assertThat(store.sessions().get(name).status()).isEqualTo(SessionStatus.STOPPED);
        assertThat(store.sessions().get(name).statusReason()).contains("suspended");
        assertThat(store.snapshots().list(name))
                .as("its credentials are kept for when it is reactivated")
                .isNotEmpty();
    }

    @Test
    void badRequestsGetTypedErrorsAndLeaveNothingStuck() {
        assertThatThrownBy(() -> runtime.start("no-such-session"))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.NOT_FOUND));
        assertThatThrownBy(() -> runtime.start("Bad Name"))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.INVALID_INPUT));

        String suspended = TestEnv.session(Map.of());
        store.tenants()
                .setStatus(store.sessions().get(suspended).tenant(), io.wagw.store.tenant.TenantStatus.SUSPENDED);
        assertThatThrownBy(() -> runtime.start(suspended))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.TENANT_INACTIVE));
        assertThat(store.leases().current(suspended)).isEmpty();

        String name = TestEnv.session(Map.of());
        runtime.start(name);
        assertThatThrownBy(() -> runtime.start(name))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.ALREADY_RUNNING));
        assertThatThrownBy(() -> runtime.sendText(name, "77011234567@c.us", "hi"))
                .isInstanceOfSatisfying(
                        SessionRuntimeException.class,
                        e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.NOT_WORKING));
        String phone = TestEnv.phone();
        sim.client().createAccount(phone, "Bad input salon");
        sim.client().linkByQr(phone, awaitQr(name));
        Await.until("WORKING", T, () -> status(name) == SessionStatus.WORKING);
        for (String[] bad : new String[][] {
            {"12345", "hi", "chatId"},
            {"77011234567@c.us", "", "text"},
            {"77011234567@c.us", "x".repeat(70_000), "text"}
        }) {
            assertThatThrownBy(() -> runtime.sendText(name, bad[0], bad[1]))
                    .isInstanceOfSatisfying(SessionRuntimeException.class, e -> {
                        assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.INVALID_INPUT);
                        assertThat(e.field()).isEqualTo(bad[2]);
                    });
        }
        var capped = newRuntime(TestEnv.runtimeConfig("node-cap").withCapacity(1, 1));
        try {
            String a = TestEnv.session(Map.of());
            String b = TestEnv.session(Map.of());
            capped.start(a);
            assertThatThrownBy(() -> capped.start(b))
                    .isInstanceOfSatisfying(
                            SessionRuntimeException.class,
                            e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.CAPACITY_REACHED));
            assertThat(store.leases().current(b)).isEmpty();
            assertThatThrownBy(() -> capped.start(name))
                    .as("held by node-a")
                    .isInstanceOfSatisfying(
                            SessionRuntimeException.class,
                            e -> assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.CAPACITY_REACHED));
        } finally {
            capped.close();
        }
        var other = newRuntime(TestEnv.runtimeConfig("node-other"));
        try {
            assertThatThrownBy(() -> other.start(name)).isInstanceOfSatisfying(SessionRuntimeException.class, e -> {
                assertThat(e.code()).isEqualTo(SessionRuntimeException.Code.LEASED_ELSEWHERE);
                assertThat(e.getMessage()).contains("node-a");
            });
        } finally {
            other.close();
        }
        assertThat(status(name)).as("still working after all that").isEqualTo(SessionStatus.WORKING);
    }
}
