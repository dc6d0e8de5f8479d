package io.wagw.store.db;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import java.nio.file.Path;

/**
 * A node stand-in for crash tests: a JVM that opens the embedded store in the folder given, creates the
 * tenant given (committed), prints {@code ready} and waits to be killed.
 */
public final class StoreHolder {
    private StoreHolder() {}

    public static void main(String[] args) throws InterruptedException {
        SessionStore store = SessionStore.open(StoreConfig.embedded(Path.of(args[0])));
        store.tenants().create(args[1], "Written before the crash", "free");
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
