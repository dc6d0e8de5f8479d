package io.wagw.sim.core;

/**
 * The string a login QR code carries and the login screen's {@code div[data-ref]} holds:
 * {@code ref,noiseStaticKeyB64,identityKeyB64,advSecretB64,platform}.
 */
public record QrPayload(String ref, PageKeys keys, String platform) {
    /** The platform digit the simulated web client announces. */
    public static final String WEB_PLATFORM = "1";

    public String format() {
        return String.join(",", ref, keys.noisePub(), keys.identityPub(), keys.advSecret(), platform);
    }

    /** Parses a payload; a 400 {@code invalid_qr_payload} when it does not have the five parts. */
    public static QrPayload parse(String payload) {
        if (payload == null || payload.isBlank()) throw new ApiError(400, "invalid_qr_payload", "qr is required", "qr");
        String[] parts = payload.split(",", -1);
        if (parts.length != 5 || !parts[0].startsWith("2@") || parts[4].isEmpty()) {
            throw new ApiError(
                    400,
                    "invalid_qr_payload",
                    "a QR payload has 5 comma-separated parts: ref,noiseKey,identityKey,advSecret,platform",
                    "qr");
        }
        try {
            return new QrPayload(parts[0], new PageKeys(parts[1], parts[2], parts[3]), parts[4]);
        } catch (ApiError e) {
            throw new ApiError(400, "invalid_qr_payload", "QR payload part " + e.field() + ": " + e.getMessage(), "qr");
        }
    }
}
