package io.wagw.node.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links to the pairing page carry a signed, expiring token instead of an API key, so a tenant can
 * open the page in any browser. The secret is derived from the cluster's master key, so every node
 * accepts the links of every other. Pure.
 */
public final class PairTokens {
    private final byte[] secret;

    public PairTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the pairing secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
    }

    /** A token for {@code session}, valid until {@code expires}. */
    public String issue(String session, Instant expires) {
        String payload = session + "." + expires.getEpochSecond();
        return expires.getEpochSecond() + "." + sign(payload);
    }

    /** The session's token is valid at {@code now}: returns its expiry. */
    public Optional<Instant> verify(String session, String token, Instant now) {
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
        String expected = sign(session + "." + expires);
        boolean ok = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
        Instant at = Instant.ofEpochSecond(expires);
        return ok && at.isAfter(now) ? Optional.of(at) : Optional.empty();
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
