package io.wagw.store.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import io.wagw.store.lease.SessionLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessagesTest {
    private static final String CHAT = "77011234567@c.us";
    private final SessionStore store = TestStore.get();
    private String session;
    private SessionLease lease;

    @BeforeEach
    void leaseASession() {
        String tenant = TestStore.unique("msg");
        session = TestStore.unique("msg");
        store.tenants().create(tenant, "Messages tenant", "free");
        store.sessions().create(tenant, session, Map.of());
        lease = store.leases()
                .acquire(session, "node-a", Duration.ofSeconds(30))
                .orElseThrow();
    }

    @Test
    void anInboundMessageIsStoredOnceEvenWhenRedelivered() {
        String waId = "false_" + CHAT + "_3EB0C767D26A1D8F";
        var first = store.messages().recordInbound(session, CHAT, waId, "Hello, are you open today?", Instant.now());
        var again = store.messages().recordInbound(session, CHAT, waId, "Hello, are you open today?", Instant.now());
        assertThat(first).isPresent();
        assertThat(first.get().direction()).isEqualTo(Message.Direction.IN);
        assertThat(first.get().status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(again).as("duplicate").isEmpty();
        assertThat(store.messages().recent(session, CHAT, 10)).hasSize(1);
    }

    @Test
    void concurrentRedeliveriesStoreExactlyOneRow() throws Exception {
        String waId = "false_" + CHAT + "_RACE";
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Callable<Boolean> task = () -> store.messages()
                        .recordInbound(session, CHAT, waId, "hi", null)
                        .isPresent();
                results.add(pool.submit(task));
            }
            int inserted = 0;
            for (var r : results) {
                inserted += r.get() ? 1 : 0;
            }
            assertThat(inserted).isEqualTo(1);
        }
        assertThat(store.messages().recent(session, CHAT, 100)).hasSize(1);
    }

    @Test
    void aBatchStoresNewMessagesInOrderAndReportsDuplicatesAndUnknownSessions() {
        String stored = "false_" + CHAT + "_BATCH0";
        assertThat(store.messages().recordInbound(session, CHAT, stored, "earlier", null))
                .isPresent();
        Instant t = Instant.parse("2026-11-22T10:15:30Z");
        var results = store.messages()
                .recordInbound(List.of(
                        new InboundRecord(session, CHAT, "false_" + CHAT + "_BATCH1", "one", t, true),
                        new InboundRecord(session, CHAT, stored, "earlier again", null, true),
                        new InboundRecord("no-such-session", CHAT, "false_" + CHAT + "_BATCH2", "lost", null, true),
                        new InboundRecord(session, CHAT, "false_" + CHAT + "_BATCH3", null, null, true),
                        new InboundRecord(session, CHAT, "false_" + CHAT + "_BATCH1", "one again", t, true)));
        assertThat(results).hasSize(5);
        assertThat(results.get(0)).hasValueSatisfying(m -> {
            assertThat(m.session()).isEqualTo(session);
            assertThat(m.body()).isEqualTo("one");
            assertThat(m.waTimestamp()).isEqualTo(t);
            assertThat(m.direction()).isEqualTo(Message.Direction.IN);
        });
        assertThat(results.get(1)).as("stored before").isEmpty();
        assertThat(results.get(2)).as("unknown session").isEmpty();
        assertThat(results.get(3)).hasValueSatisfying(m -> assertThat(m.body()).isEmpty());
        assertThat(results.get(4)).as("earlier in the same batch").isEmpty();
        assertThat(results.get(0).get().id()).isLessThan(results.get(3).get().id());
        assertThat(store.messages().recent(session, CHAT, 10))
                .extracting(Message::body)
                .containsExactly("", "one", "earlier");
    }

    @Test
    void inboundMessagesStayUnhandledUntilMarked() {
        String first = "false_" + CHAT + "_UNHANDLED1";
        String second = "false_" + CHAT + "_UNHANDLED2";
        store.messages().recordInbound(session, CHAT, first, "one", null);
        store.messages().recordInbound(session, CHAT, second, "two", null);
        assertThat(store.messages().unhandledInbound(session, Duration.ofMinutes(15)))
                .extracting(Message::waMessageId)
                .containsExactly(first, second);

        store.messages().markHandled(session, first);
        assertThat(store.messages().unhandledInbound(session, Duration.ofMinutes(15)))
                .extracting(Message::waMessageId)
                .containsExactly(second);
        assertThatThrownBy(() -> store.messages().unhandledInbound(session, Duration.ZERO))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("within"));
    }

    @Test
    void aMessageWrittenLongAgoIsNotAnsweredEvenWhenStoredLate() {
        String old = "false_" + CHAT + "_WRITTENLONGAGO";
        String recent = "false_" + CHAT + "_WRITTENJUSTNOW";
        store.messages()
                .recordInbound(session, CHAT, old, "an hour ago", Instant.now().minus(Duration.ofHours(1)));
        store.messages()
                .recordInbound(session, CHAT, recent, "just now", Instant.now().minusSeconds(20));
        assertThat(store.messages().unhandledInbound(session, Duration.ofMinutes(15)))
                .extracting(Message::waMessageId)
                .containsExactly(recent);
    }

    @Test
    void aNodeFindsItsSessionsWithMessagesLeftUnhandled() throws Exception {
        String waId = "false_" + CHAT + "_LEFTBEHIND";
        store.messages().recordInbound(session, CHAT, waId, "left behind", Instant.now());
        Thread.sleep(300);
        assertThat(store.messages().sessionsWithUnhandled("node-a", Duration.ofMillis(100), Duration.ofMinutes(15)))
                .contains(session);
        assertThat(store.messages().sessionsWithUnhandled("node-a", Duration.ofMinutes(1), Duration.ofMinutes(15)))
                .as("not yet settled")
                .doesNotContain(session);
        assertThat(store.messages().sessionsWithUnhandled("node-b", Duration.ofMillis(100), Duration.ofMinutes(15)))
                .as("another node's lease")
                .doesNotContain(session);
        store.messages().markHandled(session, waId);
        assertThat(store.messages().sessionsWithUnhandled("node-a", Duration.ofMillis(100), Duration.ofMinutes(15)))
                .doesNotContain(session);
    }

    @Test
    void aBatchWithAnInvalidMessageStoresNothing() {
        String waId = "false_" + CHAT + "_VALID";
        assertThatThrownBy(() -> store.messages()
                        .recordInbound(List.of(
                                new InboundRecord(session, CHAT, waId, "fine", null, true),
                                new InboundRecord(session, "not a chat", "false_x_BAD", "bad", null, true))))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("chatId"));
        assertThat(store.messages().recent(session, CHAT, 10)).isEmpty();
    }

    @Test
    void aMessageWithANulIsStoredWithTheNulReplacedAndTheRestOfItsBatchToo() {
        String withNul = "false_" + CHAT + "_NUL";
        String plain = "false_" + CHAT + "_PLAIN";
        var results = store.messages()
                .recordInbound(List.of(
                        new InboundRecord(session, CHAT, withNul, "see you at 5\u0000pm", null, true),
                        new InboundRecord(session, CHAT, plain, "thanks!", null, true)));
        assertThat(results).allSatisfy(r -> assertThat(r).isPresent());
        assertThat(store.messages().byWaId(session, withNul))
                .get()
                .extracting(Message::body)
                .isEqualTo("see you at 5\uFFFDpm");
        assertThat(store.messages().byWaId(session, plain))
                .get()
                .extracting(Message::body)
                .isEqualTo("thanks!");
    }

    @Test
    void aMessageIdWithAControlCharacterIsRefusedNamingTheField() {
        assertThatThrownBy(() -> store.messages().recordInbound(session, CHAT, "false_\u0000_X", "hi", null))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("waMessageId"));
    }

    @Test
    void anOutboundTextWithAControlCharacterOtherThanLineBreaksIsRefused() {
        assertThatThrownBy(() -> store.messages().recordOutbound(lease, CHAT, "hi\u0000"))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("text"));
        assertThat(store.messages()
                        .recordOutbound(lease, CHAT, "line one\r\n\tline two")
                        .body())
                .isEqualTo("line one\r\n\tline two");
    }

    @Test
    void theSameWhatsAppIdInAnotherSessionIsADifferentMessage() {
        String other = TestStore.unique("msg");
        store.sessions().create(store.sessions().get(session).tenant(), other, Map.of());
        String waId = "false_" + CHAT + "_SAME";
        assertThat(store.messages().recordInbound(session, CHAT, waId, "a", null))
                .isPresent();
        assertThat(store.messages().recordInbound(other, CHAT, waId, "a", null)).isPresent();
    }

    @Test
    void anOutboundMessageIsRecordedBeforeAndAfterSendingAndAcksOnlyMoveForward() {
        var pending = store.messages().recordOutbound(lease, CHAT, "We are open 9-18.");
        assertThat(pending.status()).isEqualTo(MessageStatus.PENDING);
        assertThat(pending.waMessageId()).isNull();
        assertThat(pending.epoch()).isEqualTo(lease.epoch());

        String waId = "true_" + CHAT + "_ABC";
        var sent = store.messages().markSent(lease, pending.id(), waId, 1, Instant.now());
        assertThat(sent.status()).isEqualTo(MessageStatus.SENT);
        assertThat(sent.ack()).isEqualTo(1);

        assertThat(store.messages().updateAck(lease, waId, 3))
                .get()
                .extracting(Message::ack)
                .isEqualTo(3);
        assertThat(store.messages().updateAck(lease, waId, 2)).as("older ack").isEmpty();
        assertThat(store.messages().byWaId(session, waId))
                .get()
                .extracting(Message::ack)
                .isEqualTo(3);
    }

    @Test
    void aFailedSendIsRecordedAsFailed() {
        var pending = store.messages().recordOutbound(lease, CHAT, "hello");
        var failed = store.messages().markFailed(lease, pending.id(), "send timed out");
        assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.ack()).isEqualTo(-1);
        assertThatThrownBy(() -> store.messages().markFailed(lease, pending.id(), "again"))
                .isInstanceOf(StoreException.InvalidState.class);
    }

    @Test
    void outboundWritesAreFencedByTheLease() {
        var pending = store.messages().recordOutbound(lease, CHAT, "hello");
        store.leases().release(lease);
        store.leases().acquire(session, "node-b", Duration.ofSeconds(30)).orElseThrow();
        assertThatThrownBy(() -> store.messages().recordOutbound(lease, CHAT, "from the old owner"))
                .isInstanceOf(StoreException.StaleEpoch.class);
        assertThatThrownBy(() -> store.messages().markSent(lease, pending.id(), "true_" + CHAT + "_X", 1, null))
                .isInstanceOf(StoreException.StaleEpoch.class);
        assertThat(store.messages().recent(session, CHAT, 10))
                .singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(MessageStatus.PENDING));
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() {
        assertThatThrownBy(() -> store.messages().recordOutbound(lease, "12345", "hi"))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("chatId"));
        assertThatThrownBy(() -> store.messages().recordOutbound(lease, CHAT, ""))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("text"));
        assertThatThrownBy(() -> store.messages().recordOutbound(lease, CHAT, "x".repeat(70_000)))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("text"));
        assertThatThrownBy(() -> store.messages().recordInbound("unknown-session-x", CHAT, "false_x", "hi", null))
                .isInstanceOfSatisfying(
                        StoreException.NotFound.class,
                        e -> assertThat(e.field()).isEqualTo("session"));
        assertThatThrownBy(() -> store.messages().recent(session, CHAT, 0))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("limit"));
        assertThatThrownBy(() -> store.messages().updateAck(lease, "true_x", 9))
                .isInstanceOfSatisfying(
                        StoreException.InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("ack"));
        assertThat(store.messages().recent(session, CHAT, 10)).isEmpty();
    }

    @Test
    void aChatIdIsNotEchoedInErrors() {
        assertThatThrownBy(() -> store.messages().recordOutbound(lease, "77011234567@x.us", "hi"))
                .hasMessageNotContaining("77011234567");
    }

    @Test
    void anInboundMessageCountsAsAnsweredOnceAReplyNamingItWasSent() {
        String waId = "false_" + CHAT + "_ANSWERED";
        store.messages().recordInbound(session, CHAT, waId, "price?", Instant.now());
        assertThat(store.messages().answered(session, waId)).isFalse();
        var reply = store.messages().recordOutbound(lease, CHAT, "12 000", waId);
        assertThat(store.messages().answered(session, waId))
                .as("recorded as it is handed to WhatsApp")
                .isTrue();
        store.messages().markSent(lease, reply.id(), "true_" + CHAT + "_R1", 1, Instant.now());
        assertThat(store.messages().answered(session, waId)).isTrue();
        String refusedId = "false_" + CHAT + "_REFUSED";
        store.messages().recordInbound(session, CHAT, refusedId, "and a pedicure?", Instant.now());
        var refused = store.messages().recordOutbound(lease, CHAT, "15 000", refusedId);
        store.messages().markFailed(lease, refused.id(), "WhatsApp refused it");
        assertThat(store.messages().answered(session, refusedId))
                .as("a failed reply")
                .isFalse();
        store.messages().recordOutbound(lease, CHAT, "an unrelated send", null);
        assertThat(store.messages().answered(session, "false_" + CHAT + "_OTHER"))
                .isFalse();
    }
}
