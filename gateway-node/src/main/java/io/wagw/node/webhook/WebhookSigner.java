package io.wagw.node.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies as WAHA does: {@code X-Webhook-Hmac} is the lowercase hex HMAC-SHA512 of the
 * exact raw body bytes (UTF-8), keyed with the UTF-8 bytes of the webhook's {@code hmac.key}. Pure.
 */
public final class WebhookSigner {
    /** Value of {@code X-Webhook-Hmac-Algorithm}. */
    public static final String ALGORITHM_NAME = "sha512";

    private static final String JCA_ALGORITHM = "HmacSHA512";

    private WebhookSigner() {}

    public static String sign(String key, String body) {
        return sign(key, body.getBytes(StandardCharsets.UTF_8));
    }

    public static String sign(String key, byte[] body) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an HMAC key is required");
        }
        try {
            Mac mac = Mac.getInstance(JCA_ALGORITHM);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), JCA_ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA512 is not available", e);
        }
    }

    /** Whether {@code signatureHex} is the signature of {@code body}; compares in constant time. */
    public static boolean verify(String key, byte[] body, String signatureHex) {
        if (signatureHex == null) {
            return false;
        }
        byte[] expected = sign(key, body).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = signatureHex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented);
    }
}
