package io.wagw.node.webhook;

import java.security.SecureRandom;

/**
 * Unique, time-ordered ids in the ULID layout (48-bit millisecond time + 80 random bits, Crockford
 * base32, lowercase), e.g. {@code evt_01j9z3…}, as WAHA's event ids look.
 */
final class EventIds {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {}

    static String next(String prefix) {
        return prefix + ulid(System.currentTimeMillis());
    }

    static String ulid(long millis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits → 16 characters of 5 bits each.
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xff);
        }
        for (int i = 0; i < 8; i++) {
            out[17 - i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
            out[25 - i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }
}
