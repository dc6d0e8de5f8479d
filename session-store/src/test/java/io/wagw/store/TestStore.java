package io.wagw.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * One real embedded PostgreSQL, migrated with the real migrations, shared by every test in this JVM
 * (starting one takes seconds). Tests use unique names, so they do not need to clean up.
 */
public final class TestStore {
    private static SessionStore store;
    private static Path dataDir;

    private TestStore() {}

    public static synchronized SessionStore get() {
        if (store == null) {
            try {
                dataDir = Files.createTempDirectory("wagw-store-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            store = SessionStore.open(StoreConfig.embedded(dataDir).withPoolSize(20));
            Runtime.getRuntime().addShutdownHook(new Thread(store::close));
        }
        return store;
    }

    public static Path dataDir() {
        get();
        return dataDir;
    }

    /** Direct SQL access for assertions about rows (and for tampering). */
    public static Jdbi jdbi() {
        return Jdbi.create(get().jdbcUrl(), "postgres", get().embeddedPassword().orElseThrow());
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
