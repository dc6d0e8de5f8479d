package io.wagw.sim.core;

import java.util.Base64;

/**
 * The public key material a page generates before it is linked and shows in its QR code: the Noise
 * static public key, the identity public key and the advertising secret, each 32 bytes, Base64.
 */
public record PageKeys(String noisePub, String identityPub, String advSecret) {
    public PageKeys {
        noisePub = require32(noisePub, "noisePub");
        identityPub = require32(identityPub, "identityPub");
        advSecret = require32(advSecret, "advSecret");
    }

    private static String require32(String b64, String field) {
        if (b64 == null) throw ApiError.badField(field, field + " is required");
        try {
            if (Base64.getDecoder().decode(b64).length != 32)
                throw ApiError.badField(field, field + " must be 32 bytes");
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(field, field + " must be Base64");
        }
        return b64;
    }
}
