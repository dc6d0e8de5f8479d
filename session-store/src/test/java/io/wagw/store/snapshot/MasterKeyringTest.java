package io.wagw.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyringTest {
    @TempDir
    Path dir;

    @Test
    void aKeyIsGeneratedOnFirstStartWithOwnerOnlyPermissionsAndReusedAfter() throws Exception {
        var first = MasterKeyring.loadOrCreate(dir);
        Path file = dir.resolve(MasterKeyring.DEFAULT_FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        var second = MasterKeyring.loadOrCreate(dir);
        assertThat(second.currentKeyId()).isEqualTo(first.currentKeyId()).hasSize(8);
    }

    @Test
    void derivedSecretsDependOnTheKeyAndTheLabel() {
        var a = MasterKeyring.of(java.util.List.of(new byte[32]));
        var b = MasterKeyring.of(java.util.List.of(new byte[32]));
        byte[] other = new byte[32];
        other[0] = 1;
        var c = MasterKeyring.of(java.util.List.of(other));
        assertThat(a.derive("pair")).isEqualTo(b.derive("pair")).hasSize(32);
        assertThat(a.derive("pair")).isNotEqualTo(a.derive("other"));
        assertThat(a.derive("pair")).isNotEqualTo(c.derive("pair"));
    }

    @Test
    void aMalformedKeyFileIsRefusedNamingTheVariableAndLine() throws Exception {
        Path file = dir.resolve("bad.key");
        Files.writeString(file, "# comment\nnot base64 !!\n");
        assertThatThrownBy(() -> MasterKeyring.load(file))
                .hasMessageContaining("GW_MASTER_KEY_FILE")
                .hasMessageContaining("line 2");
        Files.writeString(file, "AAAA\n");
        assertThatThrownBy(() -> MasterKeyring.load(file)).hasMessageContaining("3 bytes, expected 32");
        Files.writeString(file, "# only a comment\n");
        assertThatThrownBy(() -> MasterKeyring.load(file)).hasMessageContaining("holds no key");
        assertThatThrownBy(() -> MasterKeyring.load(dir.resolve("missing.key"))).hasMessageContaining("cannot read");
    }
}
