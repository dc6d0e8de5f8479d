package io.wagw.node.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import io.wagw.node.browser.BrowserSettings;
import io.wagw.node.session.RuntimeConfig;
import io.wagw.sim.SimulatorOptions;
import io.wagw.sim.WaSimulator;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the integration tests share in one JVM: a real embedded PostgreSQL with the real migrations
 * and one WhatsApp Web simulator (short QR timings) over real HTTP/WebSocket.
 */
public final class TestEnv {
    private static SessionStore store;
    private static Path storeDir;
    private static WaSimulator sim;
    private static final AtomicInteger PHONES = new AtomicInteger();

    private TestEnv() {}

    public static synchronized SessionStore store() {
        if (store == null) {
            try {
                Path dir = Files.createTempDirectory("wagw-node-test");
                storeDir = dir;
                store = SessionStore.open(StoreConfig.embedded(dir).withPoolSize(30));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(store::close));
        }
        return store;
    }

    /** A loopback port nothing listens on (yet): connecting to it is refused. */
    public static int freePort() {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Environment for a whole node sharing the test database and master key, on a free port. */
    public static java.util.Map<String, String> nodeEnv(String nodeId) {
        store();
        try (var socket = new java.net.ServerSocket(0)) {
            int port = socket.getLocalPort();
            var env = new java.util.HashMap<String, String>();
            env.put("GW_NODE_ID", nodeId);
            env.put("GW_HTTP_HOST", "127.0.0.1");
            env.put("GW_HTTP_PORT", Integer.toString(port));
            env.put("GW_DATA_DIR", storeDir.resolve(nodeId).toString());
            env.put("GW_DB_URL", store.jdbcUrl());
            env.put("GW_DB_USER", "postgres");
            env.put("GW_DB_PASSWORD", store.embeddedPassword().orElseThrow());
            env.put("GW_MASTER_KEY_FILE", storeDir.resolve("master.key").toString());
            env.put("GW_WA_URL", sim().baseUrl() + "/");
            env.put("GW_ADMIN_API_KEY", "test-admin-key-0123456789abcdef");
            env.put("GW_CHROMIUM_PATH", chromium().toString());
            env.put("GW_LEASE_TTL_SECONDS", "6");
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized WaSimulator sim() {
        if (sim == null) {
            sim = WaSimulator.start(SimulatorOptions.fast());
            Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        }
        return sim;
    }

    public static Path chromium() {
        String set = System.getenv("GW_CHROMIUM_PATH");
        return set != null ? Path.of(set) : BrowserSettings.defaultExecutable();
    }

    /**
     * A Playwright with the node's driver settings (Playwright configures its driver once per JVM, by the first
     * create) and a Chromium launched with the node's base arguments, for tests that drive a browser directly.
     */
    public static Chromium launchChromium() {
        var playwright = Playwright.create(new Playwright.CreateOptions().setEnv(BrowserSettings.nodeDriverEnv()));
        return new Chromium(
                playwright,
                playwright
                        .chromium()
                        .launch(new BrowserType.LaunchOptions()
                                .setExecutablePath(chromium())
                                .setArgs(BrowserSettings.BASE_ARGS)));
    }

    /** A browser a test drives directly; closing it closes its Playwright (and the browser with it). */
    public record Chromium(Playwright playwright, Browser browser) implements AutoCloseable {
        @Override
        public void close() {
            playwright.close();
        }
    }

    /** A runtime configuration against the simulator with fast, test-friendly pacing. */
    public static RuntimeConfig runtimeConfig(String nodeId) {
        return new RuntimeConfig(
                nodeId,
                URI.create(sim().baseUrl() + "/"),
                10,
                5,
                Duration.ofSeconds(6),
                BrowserSettings.headless(chromium()),
                3,
                Duration.ofMillis(300),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                false,
                new RuntimeConfig.OutboundPolicy(
                        Duration.ofMillis(50), Duration.ZERO, Duration.ofMillis(200), 600, 50, Duration.ofSeconds(15)));
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh phone number for a simulated account. */
    public static String phone() {
        return "7701" + String.format("%07d", (System.nanoTime() / 1000 + PHONES.incrementAndGet()) % 10_000_000);
    }

    /** Creates an active tenant with one session (optionally with an auto-reply) and returns the session name. */
    public static String session(Map<String, Object> config) {
        String tenant = unique("t");
        String name = unique("s");
        store().tenants().create(tenant, "Tenant " + tenant, "business");
        store().tenants().setStatus(tenant, io.wagw.store.tenant.TenantStatus.ACTIVE);
        store().sessions().create(tenant, name, config);
        return name;
    }
}
