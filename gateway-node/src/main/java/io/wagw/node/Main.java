package io.wagw.node;

import io.wagw.node.config.ConfigException;
import io.wagw.node.config.NodeConfig;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.session.Session;
import io.wagw.store.session.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Entry point of a gateway node. Reads {@link NodeConfig} from the environment once, then:
 * {@code run} (default) opens the store and keeps the node up until SIGTERM; {@code status} opens the
 * store, prints its status and exits; {@code demo} additionally seeds a demo tenant and session and
 * proves a lease, a fenced snapshot write and its restore.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        if (!Arrays.asList("run", "status", "demo").contains(command)) {
            System.err.println("usage: gateway-node [run|status|demo]   (configuration comes from GW_* variables)");
            System.exit(2);
        }
        NodeConfig config;
        try {
            config = NodeConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (SessionStore store = SessionStore.open(config.storeConfig())) {
            if (command.equals("demo")) {
                demo(config, store);
            }
            printStatus(config, store);
            if (command.equals("run")) {
                var stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                System.out.println("node " + config.nodeId() + " is up; stop it with Ctrl-C or SIGTERM");
                stop.await();
            }
        } catch (StoreException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void demo(NodeConfig config, SessionStore store) {
        String tenant = "demo-salon";
        String session = "demo";
        if (store.tenants().list().stream().noneMatch(t -> t.slug().equals(tenant))) {
            store.tenants().create(tenant, "Demo Beauty Salon", "business");
        }
        if (store.sessions().listByTenant(tenant).stream().noneMatch(s -> s.name().equals(session))) {
            store.sessions().create(tenant, session, Map.of("metadata", Map.of("purpose", "demo")));
        }
        var lease = store.leases().acquire(session, config.nodeId(), config.leaseTtl())
                .orElseThrow(() -> new IllegalStateException("session 'demo' is leased by another node right now"));
        try {
            byte[] state = "{\"cookies\":[],\"origins\":[]}".getBytes(StandardCharsets.UTF_8);
            var saved = store.snapshots().save(lease, state);
            var restored = store.snapshots().latest(session).orElseThrow();
            System.out.printf("demo        : session '%s' leased by %s at epoch %d; snapshot of %d bytes saved (key %s) and restored %s%n",
                    session, lease.ownerNode(), lease.epoch(), saved.size(), saved.keyId(),
                    Arrays.equals(restored.state(), state) ? "intact" : "CORRUPTED");
        } finally {
            store.leases().release(lease);
        }
    }

    private static void printStatus(NodeConfig config, SessionStore store) {
        var sessions = store.sessions().listAll();
        Map<SessionStatus, Long> byStatus = sessions.stream()
                .collect(Collectors.groupingBy(Session::status, TreeMap::new, Collectors.counting()));
        System.out.printf("node        : %s (data in %s)%n", config.nodeId(), config.dataDir());
        System.out.printf("database    : %s PostgreSQL at %s, schema version %d, %s%n",
                store.embedded() ? "embedded" : "external", store.jdbcUrl(), store.schemaVersion(),
                store.reachable() ? "reachable" : "NOT reachable");
        System.out.printf("master key  : %s (%s)%n", store.masterKeyId(),
                config.masterKeyFile().map(Object::toString).orElse(config.dataDir().resolve("master.key") + ", generated on first start"));
        System.out.printf("tenants     : %d%n", store.tenants().list().size());
        System.out.printf("sessions    : %d %s%n", sessions.size(), byStatus);
        System.out.printf("WhatsApp Web: %s%n", config.waUrl());
        System.out.printf("lease ttl   : %d s%n", config.leaseTtl().toSeconds());
    }
}
