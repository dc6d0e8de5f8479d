package io.wagw.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How a node reaches its store.
 *
 * @param dataDir       the node's data folder: the embedded PostgreSQL and a generated master key live here
 * @param dbUrl         a JDBC URL ({@code jdbc:postgresql://...}) of an external server; empty for the embedded one
 * @param dbUser        user for {@code dbUrl} (may also be in the URL)
 * @param dbPassword    password for {@code dbUrl}
 * @param masterKeyFile key file for snapshot encryption; empty to use (or create) {@code dataDir/master.key}
 * @param poolSize      maximum JDBC connections
 */
public record StoreConfig(
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        Optional<Path> masterKeyFile,
        int poolSize) {

    public StoreConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (poolSize < 2) {
            // the schema migration holds two at once
            throw new IllegalArgumentException("poolSize must be at least 2");
        }
    }

    /** The embedded default: PostgreSQL and the master key both under {@code dataDir}. */
    public static StoreConfig embedded(Path dataDir) {
        return new StoreConfig(dataDir, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10);
    }

    public StoreConfig withDbUrl(String url, String user, String password) {
        return new StoreConfig(
                dataDir,
                Optional.of(url),
                Optional.ofNullable(user),
                Optional.ofNullable(password),
                masterKeyFile,
                poolSize);
    }

    public StoreConfig withMasterKeyFile(Path file) {
        return new StoreConfig(dataDir, dbUrl, dbUser, dbPassword, Optional.of(file), poolSize);
    }

    public StoreConfig withPoolSize(int size) {
        return new StoreConfig(dataDir, dbUrl, dbUser, dbPassword, masterKeyFile, size);
    }
}
