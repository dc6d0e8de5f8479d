package io.wagw.store.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;

/**
 * The embedded server's door. The embedding library creates the cluster with {@code trust}: any local
 * user could connect as superuser without a password. Here the server takes TCP connections on loopback
 * only, no Unix socket, and requires the superuser's password, generated on first start into
 * {@code dataDir/postgres.password} (mode 0600, next to the master key).
 */
final class EmbeddedAuth {
    static final String PASSWORD_FILE = "postgres.password";
    /** First line of the pg_hba.conf this class writes: a data folder that has it requires the password. */
    private static final String MARKER = "# wagw: the embedded server requires the password in " + PASSWORD_FILE;

    private static final String PG_HBA = MARKER + """

            # connections from this machine only (the server listens on loopback only), with the password
            host    all    all    127.0.0.1/32    scram-sha-256
            host    all    all    ::1/128         scram-sha-256
            """;

    private EmbeddedAuth() {}

    /** The password in {@code dataDir/postgres.password}, generated with mode 0600 when missing. */
    static String password(Path dataDir) {
        Path file = dataDir.resolve(PASSWORD_FILE);
        try {
            if (!Files.exists(file)) {
                byte[] raw = new byte[24];
                new SecureRandom().nextBytes(raw);
                try {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(
                            file,
                            Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\n",
                            StandardCharsets.US_ASCII);
                } catch (FileAlreadyExistsException raced) {
                    // written meanwhile: read it below
                }
            }
            String password = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!password.matches("[A-Za-z0-9_-]{16,200}")) {
                throw new IllegalStateException(file + " does not hold a usable password (16-200 of A-Z a-z 0-9 _ -)");
            }
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the cluster in {@code pgDir} already requires the password (else it still trusts). */
    static boolean required(Path pgDir) {
        try {
            Path hba = pgDir.resolve("pg_hba.conf");
            return Files.exists(hba)
                    && Files.readString(hba, StandardCharsets.UTF_8).startsWith(MARKER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server that still trusts (just created, or created before this class existed): gives the superuser
     * the password, then makes the server require it. Connections already open stay; new ones need it.
     */
    static void requirePassword(EmbeddedPostgres server, Path pgDir, String password) {
        if (required(pgDir)) {
            return;
        }
        try (var c = server.getPostgresDatabase().getConnection();
                var st = c.createStatement()) {
            // the password is base64url (checked above): safe inside a literal
            st.execute("ALTER USER postgres PASSWORD '" + password + "'");
            Files.writeString(pgDir.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.UTF_8);
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the embedded PostgreSQL's password: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pgDir.resolve("pg_hba.conf"), e);
        }
    }
}
