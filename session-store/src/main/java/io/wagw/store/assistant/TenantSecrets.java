package io.wagw.store.assistant;

import io.wagw.store.StoreException;
import io.wagw.store.snapshot.MasterKeyring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A tenant's secrets (a language model provider's API key) sealed with the cluster's master key, AES-256-GCM
 * as the auth snapshots are, into one printable token kept in the tenant's settings:
 * {@code v1.<key id>.<nonce>.<ciphertext>} (base64url). The tenant and the secret's purpose are bound in as
 * associated data, so a token copied into another tenant's settings, or used for another purpose, does not
 * open. Pure: no I/O.
 */
public final class TenantSecrets {
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    private final MasterKeyring keyring;
    private final SecureRandom random = new SecureRandom();

    public TenantSecrets(MasterKeyring keyring) {
        this.keyring = keyring;
    }

    public String seal(String tenant, String purpose, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keyring.current(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(tenant, purpose));
            byte[] sealedText = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return String.join(
                    ".", VERSION, keyring.currentKeyId(), B64.encodeToString(nonce), B64.encodeToString(sealedText));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * @throws StoreException.InvalidState (field {@code purpose}) when the token is not one this cluster sealed
     *     for this tenant and purpose
     */
    public String open(String tenant, String purpose, String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            throw unreadable(tenant, purpose, "not a sealed secret");
        }
        var key = keyring.byId(parts[1])
                .orElseThrow(() -> unreadable(
                        tenant, purpose, "sealed with master key " + parts[1] + ", not in this node's keyring"));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, UNB64.decode(parts[2])));
            cipher.updateAAD(aad(tenant, purpose));
            return new String(cipher.doFinal(UNB64.decode(parts[3])), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unreadable(tenant, purpose, "it fails authentication (altered, or sealed for another tenant)");
        }
    }

    private static StoreException unreadable(String tenant, String purpose, String why) {
        return new StoreException.InvalidState(
                purpose, "the %s of tenant '%s' cannot be opened: %s".formatted(purpose, tenant, why));
    }

    private static byte[] aad(String tenant, String purpose) {
        return ("wagw-tenant-secret/v1/" + tenant + "/" + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
