package io.wagw.sim.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The server-side rules as plain logic: offers, linking, credentials, delivery cursors, acks. */
class WorldTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final World world = new World(clock::get, new Random(7), 50, 3);
    private final PageKeys keys = keys(1);

    private static PageKeys keys(int seed) {
        Random r = new Random(seed);
        byte[][] b = new byte[3][32];
        for (byte[] x : b) r.nextBytes(x);
        Base64.Encoder e = Base64.getEncoder();
        return new PageKeys(e.encodeToString(b[0]), e.encodeToString(b[1]), e.encodeToString(b[2]));
    }

    private Device linked(String phone) {
        Account a = world.createAccount(phone, "Shop");
        QrPayload qr = world.linking().issueQr(1, keys, 60_000, clock.get());
        return world.link(a, world.linking().claimQr(qr.format(), clock.get()));
    }

    @Test
    void qrOfferExpiresAtItsDeadlineAndIsToldApartFromUnknown() {
        world.createAccount("77011234567", "Shop");
        QrPayload qr = world.linking().issueQr(1, keys, 1_000, clock.get());
        clock.addAndGet(1_001);
        assertThatThrownBy(() -> world.linking().claimQr(qr.format(), clock.get()))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.code()).isEqualTo("qr_expired"));
        QrPayload next = world.linking().issueQr(1, keys, 1_000, clock.get());
        assertThat(next.ref()).isNotEqualTo(qr.ref());
        String unknown = new QrPayload("2@unknown", keys, "1").format();
        assertThatThrownBy(() -> world.linking().claimQr(unknown, clock.get()))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void qrPayloadHasFivePartsAndRoundTrips() {
        QrPayload qr = world.linking().issueQr(9, keys, 1_000, clock.get());
        assertThat(qr.format().split(",")).hasSize(5);
        assertThat(QrPayload.parse(qr.format())).isEqualTo(qr);
        assertThatThrownBy(() -> QrPayload.parse("2@a,b,c,d"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_qr_payload"));
        assertThatThrownBy(() -> QrPayload.parse(
                        "x@a," + keys.noisePub() + "," + keys.identityPub() + "," + keys.advSecret() + ",1"))
                .isInstanceOf(ApiError.class);
    }

    @Test
    void pairingCodesUseWhatsAppsAlphabetAndAcceptADash() {
        world.createAccount("77011234567", "Shop");
        String code = world.linking().issueCode(3, keys, "77011234567", 1_000, clock.get());
        assertThat(code).hasSize(8).matches("[" + Linking.CODE_ALPHABET + "]{8}");
        Linking.Offer offer = world.linking()
                .claimCode(code.substring(0, 4).toLowerCase() + "-" + code.substring(4), "77011234567", clock.get());
        assertThat(offer.pageId()).isEqualTo(3);
        assertThatThrownBy(() -> world.linking().claimCode(code, "77011234567", clock.get()))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.code()).isEqualTo("pairing_code_expired"));
    }

    @Test
    void credentialsMustMatchExactly() {
        Device d = linked("77011234567");
        byte[] secret = Base64.getDecoder().decode(d.secretB64());
        assertThat(world.login(d.id(), secret, keys.noisePub(), keys.identityPub())
                        .ok())
                .isTrue();
        byte[] tampered = secret.clone();
        tampered[5] ^= 1;
        assertThat(world.login(d.id(), tampered, keys.noisePub(), keys.identityPub())
                        .refusal())
                .isEqualTo("bad_credentials");
        assertThat(world.login(d.id(), secret, keys(2).noisePub(), keys.identityPub())
                        .refusal())
                .isEqualTo("bad_credentials");
        assertThat(world.login("77011234567:9", secret, keys.noisePub(), keys.identityPub())
                        .refusal())
                .isEqualTo("unknown_device");
        assertThat(world.login("garbage", secret, keys.noisePub(), keys.identityPub())
                        .refusal())
                .isEqualTo("unknown_device");
        world.unlink(d.id());
        assertThat(world.login(d.id(), secret, keys.noisePub(), keys.identityPub())
                        .ok())
                .isFalse();
        assertThat(world.refusedLogins()).isEqualTo(5);
    }

    @Test
    void deliveryCursorHandsOutEachMessageUntilConfirmedAndNeverAfter() {
        Device d = linked("77011234567");
        InboundMessage m1 = world.receive("79001112233", "77011234567", "one");
        InboundMessage m2 = world.receive("79001112233", "77011234567", "two");
        assertThat(world.undelivered(d, 0)).containsExactly(m1, m2);
        assertThat(world.undelivered(d, m1.seq())).containsExactly(m2);
        assertThat(world.confirm(d, m1.seq())).containsExactly(m1);
        assertThat(m1.ack()).isEqualTo(Ack.DELIVERED);
        assertThat(world.undelivered(d, 0)).containsExactly(m2);
        assertThat(world.confirm(d, m1.seq())).isEmpty();
        assertThat(world.confirm(d, 10_000)).containsExactly(m2);
        assertThat(world.undelivered(d, 0)).isEmpty();
        assertThat(world.queuedCount()).isZero();
    }

    @Test
    void aDeviceLinkedLaterGetsOlderMessagesOnlyAsHistory() {
        Account a = world.createAccount("77011234567", "Shop");
        world.receive("79001112233", "77011234567", "before link");
        QrPayload qr = world.linking().issueQr(1, keys, 60_000, clock.get());
        Device d = world.link(a, world.linking().claimQr(qr.format(), clock.get()));
        assertThat(world.undelivered(d, 0)).isEmpty();
    }

    @Test
    void sendsAreIdempotentAndAcksOnlyRise() {
        Device d = linked("77011234567");
        world.upsertCustomer("79001112233", "Ann", false);
        SentMessage m = world.send(d, "3EB0AA", "79001112233", "hi", false);
        assertThat(world.send(d, "3EB0AA", "79001112233", "hi", false)).isSameAs(m);
        assertThat(m.ack()).isEqualTo(Ack.SERVER);
        assertThat(world.customerOnline(world.customer("79001112233")).values())
                .flatMap(x -> x)
                .containsExactly(m);
        assertThat(m.ack()).isEqualTo(Ack.DELIVERED);
        assertThat(world.customerAcks("79001112233", "77011234567", Ack.READ, null))
                .containsExactly(m);
        assertThat(world.customerAcks("79001112233", "77011234567", Ack.DELIVERED, null))
                .isEmpty();
        assertThat(m.ack()).isEqualTo(Ack.READ);
        assertThat(world.send(d, "3EB0BB", "15550001111", "to nobody", false).ack())
                .isEqualTo(Ack.ERROR);
        assertThat(world.send(d, "3EB0CC", "79001112233", "failing", true).ack())
                .isEqualTo(Ack.ERROR);
    }

    @Test
    void inputIsValidatedBeforeAnythingChanges() {
        world.createAccount("77011234567", "Shop");
        assertThatThrownBy(() -> world.receive("79001112233", "77011234567", "x".repeat(51)))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> world.receive("123", "77011234567", "x")).isInstanceOf(ApiError.class);
        assertThatThrownBy(() -> world.receive("79001112233", "77099999999", "x"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.code()).isEqualTo("unknown_account"));
        assertThat(world.account("77011234567").received()).isEmpty();
        assertThat(world.customerCount()).isZero();
    }

    @Test
    void historyIsTrimmedOnlyBelowWhatEveryDeviceHolds() {
        Device d = linked("77011234567");
        for (int i = 0; i < 5; i++) world.receive("79001112233", "77011234567", "m" + i);
        assertThat(d.account().received()).hasSize(5);
        world.confirm(d, d.account().lastSeq());
        world.receive("79001112233", "77011234567", "m5");
        assertThat(d.account().received()).extracting(InboundMessage::text).containsExactly("m3", "m4", "m5");
        assertThat(List.copyOf(world.undelivered(d, 0)))
                .extracting(InboundMessage::text)
                .containsExactly("m5");
    }

    @Test
    void phoneMaskHidesAllButTheLastFourDigits() {
        assertThat(Phones.mask("77011234567")).isEqualTo("*******4567");
    }
}
