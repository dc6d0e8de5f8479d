package io.wagw.store.snapshot;

import io.wagw.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for auth snapshots. The session name and epoch are bound in as associated data, so a
 * ciphertext copied to another session or row fails authentication like a tampered one. Pure: no I/O.
 */
public final class SnapshotCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A ciphertext with what is needed to open it. */
    public record Sealed(byte[] ciphertext, byte[] nonce, String keyId) {}

    private final MasterKeyring keyring;
    private final SecureRandom random = new SecureRandom();

    public SnapshotCipher(MasterKeyring keyring) {
        this.keyring = keyring;
    }

    public Sealed seal(String session, long epoch, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keyring.current(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(session, epoch));
            return new Sealed(cipher.doFinal(plaintext), nonce, keyring.currentKeyId());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    public byte[] open(String session, long epoch, Sealed sealed) {
        var key = keyring.byId(sealed.keyId())
                .orElseThrow(() -> new StoreException.UnknownMasterKey(
                        "the snapshot of session '%s' was encrypted with master key %s, which is not in this node's keyring %s; is GW_MASTER_KEY_FILE the key file the cluster uses?"
                                .formatted(session, sealed.keyId(), keyring.keyIds())));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(aad(session, epoch));
            return cipher.doFinal(sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new StoreException.SnapshotIntegrity(
                    "the snapshot of session '%s' (epoch %d) failed authentication: it was altered or belongs to another session"
                            .formatted(session, epoch),
                    e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreException.SnapshotIntegrity(
                    "the snapshot of session '%s' (epoch %d) cannot be decrypted: %s"
                            .formatted(session, epoch, e.getMessage()),
                    e);
        }
    }

    private static byte[] aad(String session, long epoch) {
        return ("wagw-snapshot/v1/" + session + "/" + epoch).getBytes(StandardCharsets.UTF_8);
    }
}
