package io.wagw.sim.api;

/**
 * One open page connection. {@code state} is one of {@code connecting, qr, qr_idle, code, code_idle,
 * paired, connected, conflict, refused, logged_out}; {@code qr} (the QR payload) and {@code qrIndex}
 * are set while a QR shows, {@code code} while a pairing code shows, {@code deviceId} once logged in.
 */
public record PageInfo(
        long id,
        String state,
        String qr,
        int qrIndex,
        String code,
        String deviceId,
        boolean synced,
        String userAgent) {}
