package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.http.ForwardSignature.Forward;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwardSignatureTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final byte[] BODY = "{\"session\":\"salon-1\",\"chatId\":\"4915112345678@c.us\",\"text\":\"hi\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String PATH = "/api/sendText?trace=1";

    private final ForwardSignature signature = new ForwardSignature(secret(1));

    @Test
    void aSignedCallIsAcceptedWithTheCallerTheForwardingNodeAuthenticated() {
        assertThat(roundTrip(Optional.of(Caller.ADMIN))).contains(new Forward("node-1", Optional.of(Caller.ADMIN)));
        assertThat(roundTrip(Optional.of(Caller.forSession("salon-1"))))
                .contains(new Forward("node-1", Optional.of(Caller.forSession("salon-1"))));
        assertThat(roundTrip(Optional.of(Caller.forTenant("salon"))))
                .contains(new Forward("node-1", Optional.of(Caller.forTenant("salon"))));
        assertThat(roundTrip(Optional.empty())).contains(new Forward("node-1", Optional.empty()));
    }

    @Test
    void theSignedHeadersAreTheForwardingOnesAndCarryNoApiKey() {
        Map<String, String> headers = signature.sign("POST", PATH, BODY, Optional.of(Caller.ADMIN), "node-1", NOW);

        assertThat(headers)
                .containsOnlyKeys("X-Wagw-Forwarded-By", "X-Wagw-Caller", "X-Wagw-Timestamp", "X-Wagw-Signature");
        assertThat(headers.keySet()).allMatch(ForwardSignature::isForwardHeader);
        assertThat(ForwardSignature.isForwardHeader("x-wagw-anything")).isTrue();
        assertThat(ForwardSignature.isForwardHeader("X-Api-Key")).isFalse();
    }

    @Test
    void anotherPathQueryOrMethodIsRefused() {
        Map<String, String> headers = signed(Optional.of(Caller.forSession("salon-1")));

        assertThat(signature.verify("POST", "/api/sendSeen?trace=1", BODY, headers::get, NOW))
                .isEmpty();
        assertThat(signature.verify("POST", "/api/sendText?trace=2", BODY, headers::get, NOW))
                .isEmpty();
        assertThat(signature.verify("POST", "/api/sendText", BODY, headers::get, NOW))
                .isEmpty();
        assertThat(signature.verify("PUT", PATH, BODY, headers::get, NOW)).isEmpty();
    }

    @Test
    void anotherBodyIsRefused() {
        Map<String, String> headers = signed(Optional.of(Caller.forSession("salon-1")));
        byte[] tampered = Arrays.copyOf(BODY, BODY.length);
        tampered[tampered.length - 3] = 'o';

        assertThat(signature.verify("POST", PATH, tampered, headers::get, NOW)).isEmpty();
        assertThat(signature.verify("POST", PATH, new byte[0], headers::get, NOW))
                .isEmpty();
    }

    @Test
    void aCallerOrForwardingNodeOtherThanTheSignedOneIsRefused() {
        Map<String, String> headers = signed(Optional.of(Caller.forSession("salon-1")));

        assertThat(verifyWith(headers, "X-Wagw-Caller", "admin")).isEmpty();
        assertThat(verifyWith(headers, "X-Wagw-Caller", "session:salon-2")).isEmpty();
        assertThat(verifyWith(headers, "X-Wagw-Caller", "none")).isEmpty();
        assertThat(verifyWith(headers, "X-Wagw-Forwarded-By", "node-2")).isEmpty();
    }

    @Test
    void aTimestampOtherThanTheSignedOneIsRefused() {
        Map<String, String> headers = signed(Optional.of(Caller.ADMIN));

        assertThat(verifyWith(headers, "X-Wagw-Timestamp", Long.toString(NOW.getEpochSecond() + 1)))
                .isEmpty();
        assertThat(verifyWith(headers, "X-Wagw-Timestamp", "+" + NOW.getEpochSecond()))
                .isEmpty();
    }

    @Test
    void aCallSignedMoreThanThirtySecondsFromTheReceiversClockIsRefused() {
        Map<String, String> headers = signed(Optional.of(Caller.ADMIN));

        assertThat(signature.verify("POST", PATH, BODY, headers::get, NOW.plusSeconds(30)))
                .isPresent();
        assertThat(signature.verify("POST", PATH, BODY, headers::get, NOW.minusSeconds(30)))
                .isPresent();
        assertThat(signature.verify("POST", PATH, BODY, headers::get, NOW.plusSeconds(31)))
                .isEmpty();
        assertThat(signature.verify("POST", PATH, BODY, headers::get, NOW.minusSeconds(31)))
                .isEmpty();
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRefused() {
        Map<String, String> headers =
                new ForwardSignature(secret(2)).sign("POST", PATH, BODY, Optional.of(Caller.ADMIN), "node-1", NOW);

        assertThat(signature.verify("POST", PATH, BODY, headers::get, NOW)).isEmpty();
    }

    @Test
    void aMissingHeaderOrAnUnknownCallerFormIsRefused() {
        Map<String, String> headers = signed(Optional.of(Caller.ADMIN));
        for (String name : headers.keySet()) {
            Map<String, String> missing = new HashMap<>(headers);
            missing.remove(name);
            assertThat(signature.verify("POST", PATH, BODY, missing::get, NOW))
                    .as(name)
                    .isEmpty();
        }
        assertThat(verifyWith(headers, "X-Wagw-Caller", "root")).isEmpty();
        assertThat(verifyWith(headers, "X-Wagw-Caller", "session:")).isEmpty();
        assertThat(verifyWith(headers, "X-Wagw-Signature", "")).isEmpty();
    }

    private Optional<Forward> roundTrip(Optional<Caller> caller) {
        Map<String, String> headers = signed(caller);
        return signature.verify("POST", PATH, BODY, headers::get, NOW.plusSeconds(2));
    }

    private Map<String, String> signed(Optional<Caller> caller) {
        return signature.sign("POST", PATH, BODY, caller, "node-1", NOW);
    }

    private Optional<Forward> verifyWith(Map<String, String> headers, String name, String value) {
        Map<String, String> changed = new HashMap<>(headers);
        changed.put(name, value);
        return signature.verify("POST", PATH, BODY, changed::get, NOW);
    }

    private static byte[] secret(int seed) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) seed);
        return secret;
    }
}
