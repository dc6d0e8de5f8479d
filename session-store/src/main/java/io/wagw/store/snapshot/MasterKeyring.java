package io.wagw.store.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 master keys that encrypt auth snapshots. A key file holds one base64-encoded 32-byte
 * key per line: the first line encrypts, every line decrypts, so rotating means prepending a new
 * key and keeping the old ones until every snapshot was rewritten. Each key is known by its id, the
 * first 8 hex digits of its SHA-256, stored next to every ciphertext.
 */
public final class MasterKeyring {
    public static final String DEFAULT_FILE_NAME = "master.key";
    private static final int KEY_BYTES = 32;

    private final String currentId;
    private final Map<String, SecretKey> keys;

    private MasterKeyring(String currentId, Map<String, SecretKey> keys) {
        this.currentId = currentId;
        this.keys = keys;
    }

    /** Builds a keyring from raw keys, the first one current. */
    public static MasterKeyring of(List<byte[]> rawKeys) {
        if (rawKeys.isEmpty()) {
            throw new IllegalArgumentException("a keyring needs at least one key");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (byte[] raw : rawKeys) {
            if (raw.length != KEY_BYTES) {
                throw new IllegalArgumentException(
                        "a master key must be %d bytes, got %d".formatted(KEY_BYTES, raw.length));
            }
            keys.put(keyId(raw), new SecretKeySpec(raw.clone(), "AES"));
        }
        return new MasterKeyring(keyId(rawKeys.getFirst()), Map.copyOf(keys));
    }

    /** Reads a key file; errors name the file and the expected format. */
    public static MasterKeyring load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "GW_MASTER_KEY_FILE: cannot read %s (%s)".formatted(file, e.getMessage()), e);
        }
        List<byte[]> raw = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "GW_MASTER_KEY_FILE: %s line %d is not base64 (expected one base64-encoded 32-byte key per line)"
                                .formatted(file, lineNo));
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException(
                        "GW_MASTER_KEY_FILE: %s line %d decodes to %d bytes, expected %d (AES-256)"
                                .formatted(file, lineNo, key.length, KEY_BYTES));
            }
            raw.add(key);
        }
        if (raw.isEmpty()) {
            throw new IllegalArgumentException(
                    "GW_MASTER_KEY_FILE: %s holds no key (expected one base64-encoded 32-byte key per line)"
                            .formatted(file));
        }
        return of(raw);
    }

    /** Loads {@code dataDir/master.key}, generating it with permissions 0600 on first start. */
    public static MasterKeyring loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(DEFAULT_FILE_NAME);
        if (!Files.exists(file)) {
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            String content =
                    "# AES-256 master key for auth snapshots. Keep it secret and back it up: without it no snapshot can be restored.\n"
                            + Base64.getEncoder().encodeToString(key) + "\n";
            try {
                Files.createDirectories(dataDir);
                Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
                Files.writeString(file, content, StandardCharsets.US_ASCII);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the master key file " + file + ": " + e.getMessage(), e);
            }
        }
        return load(file);
    }

    public String currentKeyId() {
        return currentId;
    }

    /** The key new ciphertexts are sealed with; for the store's ciphers only. */
    public SecretKey current() {
        return keys.get(currentId);
    }

    /** The key with this id, to open what it sealed; for the store's ciphers only. */
    public Optional<SecretKey> byId(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /**
     * A secret for another purpose (e.g. signing pairing links), derived from the current master key
     * with HMAC-SHA256 over {@code label}, so every node with the same key file derives the same one.
     */
    public byte[] derive(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(current());
            return mac.doFinal(("wagw/derive/" + label).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    static String keyId(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
