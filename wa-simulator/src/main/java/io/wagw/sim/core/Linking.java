package io.wagw.sim.core;

import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The login offers pages are currently showing (QR refs and pairing codes), and the recently retired
 * ones, so that a phone presenting an old offer is told "expired" rather than "unknown". Pure logic:
 * the caller passes the time and runs the timers. At most one live offer per page.
 */
public final class Linking {
    /** How a device is being linked. */
    public enum Kind {
        QR,
        CODE
    }

    /** A live offer shown by page {@code pageId}; {@code phone} is set for pairing codes only. */
    public record Offer(long pageId, Kind kind, String token, PageKeys keys, String phone, long expiresAt) {}

    /** Characters of a pairing code: no 0/O, no I/U, like WhatsApp's. */
    static final String CODE_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

    private static final int RETIRED_MEMORY = 100_000;

    private final RandomGenerator random;
    private final Map<String, Offer> byToken = new HashMap<>();
    private final Map<Long, Offer> byPage = new HashMap<>();
    private final Map<String, Kind> retired = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kind> eldest) {
            return size() > RETIRED_MEMORY;
        }
    };

    public Linking(RandomGenerator random) {
        this.random = random;
    }

    /** Retires the page's previous offer and issues a new QR ref for it. */
    public QrPayload issueQr(long pageId, PageKeys keys, long ttlMs, long now) {
        retire(pageId);
        byte[] raw = new byte[48];
        random.nextBytes(raw);
        String ref = "2@" + Base64.getEncoder().encodeToString(raw);
        put(new Offer(pageId, Kind.QR, ref, keys, null, now + ttlMs));
        return new QrPayload(ref, keys, QrPayload.WEB_PLATFORM);
    }

    /** Retires the page's previous offer and issues an 8-character pairing code for {@code phone}. */
    public String issueCode(long pageId, PageKeys keys, String phone, long ttlMs, long now) {
        retire(pageId);
        String code;
        do {
            StringBuilder sb = new StringBuilder(8);
            for (int i = 0; i < 8; i++) sb.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
            code = sb.toString();
        } while (byToken.containsKey(code) || retired.containsKey(code));
        put(new Offer(pageId, Kind.CODE, code, keys, phone, now + ttlMs));
        return code;
    }

    /** Ends the page's live offer, if any (rotation, page gone, linked). */
    public void retire(long pageId) {
        Offer old = byPage.remove(pageId);
        if (old != null) {
            byToken.remove(old.token());
            retired.put(old.token(), old.kind());
        }
    }

    public Optional<Offer> current(long pageId) {
        return Optional.ofNullable(byPage.get(pageId));
    }

    /** Takes the offer a scanned QR payload names; 404 unknown, 410 expired, 400 malformed or keys differ. */
    public Offer claimQr(String payload, long now) {
        QrPayload qr = QrPayload.parse(payload);
        Offer offer = live(qr.ref(), Kind.QR, now, "qr");
        if (!offer.keys().equals(qr.keys())) {
            throw new ApiError(400, "qr_keys_mismatch", "the QR payload's keys are not the ones the page showed", "qr");
        }
        retire(offer.pageId());
        return offer;
    }

    /** Takes the offer a pairing code names for {@code phone}; 404 unknown, 410 expired, 409 other phone. */
    public Offer claimCode(String code, String phone, long now) {
        String normalized = normalizeCode(code);
        Offer offer = live(normalized, Kind.CODE, now, "code");
        if (!offer.phone().equals(phone)) {
            throw new ApiError(
                    409,
                    "pairing_code_wrong_phone",
                    "this pairing code was requested for another phone number",
                    "code");
        }
        retire(offer.pageId());
        return offer;
    }

    /** {@code "abcd-efgh"} and {@code "ABCDEFGH"} are the same code; 400 when it cannot be one. */
    public static String normalizeCode(String code) {
        if (code == null) throw new ApiError(400, "invalid_pairing_code", "code is required", "code");
        String c = code.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (c.length() != 8) {
            throw new ApiError(400, "invalid_pairing_code", "a pairing code has 8 characters, e.g. ABCD-EFGH", "code");
        }
        return c;
    }

    private Offer live(String token, Kind kind, long now, String field) {
        Offer offer = byToken.get(token);
        if (offer != null && offer.kind() == kind && now <= offer.expiresAt()) return offer;
        if (offer != null && offer.kind() == kind) {
            retire(offer.pageId());
        }
        if (offer != null || retired.get(token) == kind) {
            throw kind == Kind.QR
                    ? new ApiError(
                            410, "qr_expired", "this QR code has expired; scan the one the page shows now", field)
                    : new ApiError(
                            410,
                            "pairing_code_expired",
                            "this pairing code has expired; use the one the page shows now",
                            field);
        }
        throw kind == Kind.QR
                ? new ApiError(404, "unknown_qr", "no page shows this QR code", field)
                : new ApiError(404, "unknown_pairing_code", "no page shows this pairing code", field);
    }

    private void put(Offer offer) {
        byToken.put(offer.token(), offer);
        byPage.put(offer.pageId(), offer);
    }
}
