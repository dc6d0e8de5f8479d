package io.wagw.node.http;

import io.wagw.store.session.PairIncarnation;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links to the pairing page carry a signed, expiring token instead of an API key, so a tenant can
 * open the page in any browser. The signature covers the session's name, its incarnation (row id: a
 * session deleted and created again under the same name does not inherit old links) and its link
 * generation (revoking a session's links increments it), and the expiry, which may lie at most
 * {@link #MAX_LIFETIME} ahead whatever the signature says. The secret is derived from the cluster's
 * master key, so every node accepts the links of every other. Pure.
 */
public final class PairTokens {
    /** The longest a link may live, checked when it is used (a link claiming more is refused). */
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private final byte[] secret;

    public PairTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the pairing secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
    }

    /** A token for {@code session} in its current incarnation, valid until {@code expires}. */
    public String issue(String session, PairIncarnation incarnation, Instant expires) {
        return expires.getEpochSecond() + "." + sign(payload(session, incarnation, expires.getEpochSecond()));
    }

    /** The token is valid at {@code now} for the session's current incarnation: returns its expiry. */
    public Optional<Instant> verify(String session, PairIncarnation current, String token, Instant now) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String expected = sign(payload(session, current, expires));
        boolean ok = MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
        Instant at = Instant.ofEpochSecond(expires);
        boolean live = at.isAfter(now) && !at.isAfter(now.plus(MAX_LIFETIME));
        return ok && live ? Optional.of(at) : Optional.empty();
    }

    private static String payload(String session, PairIncarnation incarnation, long expires) {
        return session + "." + incarnation.sessionId() + "." + incarnation.generation() + "." + expires;
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
