package io.wagw.node.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calls one node forwards to another carry no API key: the forwarding node authenticates the caller itself and
 * signs the call, and the receiving node takes the signed caller as authenticated. The signature
 * ({@value #SIGNATURE}, hex HMAC-SHA256) covers the method, the path with its query, the time, the caller, the
 * forwarding node and the SHA-256 of the body, and holds for {@link #WINDOW} either side of the receiver's clock.
 * The secret is derived from the cluster's master key ({@value #SECRET_LABEL}): every node has it, a stranger who
 * merely reaches the cluster port does not. Pure.
 */
final class ForwardSignature {
    static final String FORWARDED_BY = "X-Wagw-Forwarded-By";
    static final String CALLER = "X-Wagw-Caller";
    static final String TIMESTAMP = "X-Wagw-Timestamp";
    static final String SIGNATURE = "X-Wagw-Signature";
    /** Label of the secret derived from the master key ({@code SessionStore.derivedSecret}). */
    static final String SECRET_LABEL = "node-forwarding";
    /** How far a forwarded call's time may lie from the receiver's clock, either way. */
    static final Duration WINDOW = Duration.ofSeconds(30);

    private static final String HEADER_PREFIX = "x-wagw-";
    private static final String ADMIN = "admin";
    private static final String SESSION = "session:";
    private static final String TENANT = "tenant:";
    /** The pairing page: its signed link, in the query, authenticates the call. */
    private static final String NO_CALLER = "none";

    private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");
    private static final String ALGORITHM = "HmacSHA256";

    /**
     * A call accepted as forwarded.
     *
     * @param node   the node that forwarded it
     * @param caller whom that node authenticated; empty for the pairing page
     */
    record Forward(String node, Optional<Caller> caller) {}

    private final byte[] secret;

    ForwardSignature(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the forwarding secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
    }

    /** Whether a header belongs to the forwarding protocol: a request with any of them must carry a valid signature. */
    static boolean isForwardHeader(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith(HEADER_PREFIX);
    }

    /**
     * The headers that make a call forwarded by {@code node} on behalf of {@code caller} (empty for the pairing
     * page).
     *
     * @param pathAndQuery the request target exactly as sent
     */
    Map<String, String> sign(
            String method, String pathAndQuery, byte[] body, Optional<Caller> caller, String node, Instant now) {
        String callerText = caller.map(ForwardSignature::callerText).orElse(NO_CALLER);
        String timestamp = Long.toString(now.getEpochSecond());
        return Map.of(
                FORWARDED_BY,
                node,
                CALLER,
                callerText,
                TIMESTAMP,
                timestamp,
                SIGNATURE,
                mac(method, pathAndQuery, timestamp, callerText, node, body));
    }

    /**
     * The forward a call's headers describe, when their signature is valid for this call and its time lies within
     * {@link #WINDOW} of {@code now}; empty for anything else, whatever was wrong.
     *
     * @param header a request header by name, or null when absent
     */
    Optional<Forward> verify(
            String method, String pathAndQuery, byte[] body, Function<String, String> header, Instant now) {
        String node = header.apply(FORWARDED_BY);
        String callerText = header.apply(CALLER);
        String timestamp = header.apply(TIMESTAMP);
        String signature = header.apply(SIGNATURE);
        if (node == null
                || callerText == null
                || timestamp == null
                || signature == null
                || !DIGITS.matcher(timestamp).matches()) {
            return Optional.empty();
        }
        Instant at = Instant.ofEpochSecond(Long.parseLong(timestamp));
        if (Duration.between(at, now).abs().compareTo(WINDOW) > 0) {
            return Optional.empty();
        }
        boolean pairingPage = callerText.equals(NO_CALLER);
        Optional<Caller> caller = pairingPage ? Optional.empty() : parseCaller(callerText);
        if ((!pairingPage && caller.isEmpty()) || !valid(method, pathAndQuery, timestamp, callerText, node)) {
            return Optional.empty();
        }
        byte[] expected =
                mac(method, pathAndQuery, timestamp, callerText, node, body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(new Forward(node, caller));
    }

    private static String callerText(Caller caller) {
        if (caller.admin()) {
            return ADMIN;
        }
        return caller.session() != null
                ? SESSION + URLEncoder.encode(caller.session(), StandardCharsets.UTF_8)
                : TENANT + URLEncoder.encode(caller.tenant(), StandardCharsets.UTF_8);
    }

    /**
     * The caller a header names; empty when it is none of {@code admin}, {@code session:<name>},
     * {@code tenant:<slug>}.
     */
    private static Optional<Caller> parseCaller(String text) {
        if (text.equals(ADMIN)) {
            return Optional.of(Caller.ADMIN);
        }
        if (text.startsWith(TENANT) && text.length() > TENANT.length()) {
            try {
                return Optional.of(
                        Caller.forTenant(URLDecoder.decode(text.substring(TENANT.length()), StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (text.startsWith(SESSION) && text.length() > SESSION.length()) {
            try {
                return Optional.of(
                        Caller.forSession(URLDecoder.decode(text.substring(SESSION.length()), StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private String mac(String method, String pathAndQuery, String timestamp, String caller, String node, byte[] body) {
        if (!valid(method, pathAndQuery, timestamp, caller, node)) {
            throw new IllegalArgumentException("a signed field contains a line break");
        }
        try {
            String bodyHash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            // One field per line: no field can contain a line break, so no two calls share a payload.
            String payload =
                    String.join("\n", "wagw-forward-v1", method, pathAndQuery, timestamp, caller, node, bodyHash);
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static boolean valid(String... fields) {
        for (String field : fields) {
            if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                return false;
            }
        }
        return true;
    }
}
