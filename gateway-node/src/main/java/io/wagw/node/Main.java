package io.wagw.node;

import io.wagw.node.config.ConfigException;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.demo.Demo;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.store.SessionStore;
import io.wagw.store.session.Session;
import io.wagw.store.session.SessionStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Entry point of a gateway node; configuration comes from {@code GW_*} variables, read once.
 * <ul>
 *   <li>{@code run} (default): serve until SIGTERM, then stop every session gracefully;</li>
 *   <li>{@code status}: print the store's status and exit;</li>
 *   <li>{@code demo [--auto] [--exit]}: run the node plus the demo against the simulator
 *       ({@code --auto} scans the QR with the simulated phone, {@code --exit} stops after the auto-reply).</li>
 * </ul>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        String command = a.isEmpty() || a.getFirst().startsWith("--") ? "run" : a.getFirst();
        if (!List.of("run", "status", "demo").contains(command)) {
            System.err.println(
                    "usage: gateway-node [run | status | demo [--auto] [--exit]]   (configuration: GW_* variables)");
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
        if (command.equals("status")) {
            try (SessionStore store = SessionStore.open(config.storeConfig())) {
                printStatus(config, store);
            }
            return;
        }
        Node node;
        try {
            // a drained node exits; the shutdown hook then finds nothing left to move
            node = Node.start(config, new AutoReplyHandler(), () -> System.exit(0));
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                // SIGTERM in a cluster: move the sessions away one by one first (rolling updates rely
                                // on it)
                                if (config.clustered() && !node.drain(Duration.ofMinutes(5))) {
                                    System.err.println(
                                            "drain did not finish within 5 minutes; stopping the remaining sessions");
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            node.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        System.out.println("node " + config.nodeId() + " serves " + node.baseUrl()
                + (node.generatedAdminKey() ? "  (generated admin key for this run: " + node.adminKey() + ")" : ""));
        if (command.equals("demo")) {
            try {
                Demo.run(node, a.contains("--auto"), System.out);
            } catch (Exception e) {
                System.err.println("demo failed: " + e.getMessage());
                System.exit(1);
            }
            if (a.contains("--exit")) {
                System.exit(0);
            }
            System.out.println("the node keeps running; stop it with Ctrl-C");
        }
        stopped.await();
    }

    private static void printStatus(NodeConfig config, SessionStore store) {
        var sessions = store.sessions().listAll();
        Map<SessionStatus, Long> byStatus =
                sessions.stream().collect(Collectors.groupingBy(Session::status, TreeMap::new, Collectors.counting()));
        System.out.printf("node        : %s (data in %s)%n", config.nodeId(), config.dataDir());
        System.out.printf(
                "database    : %s PostgreSQL at %s, schema version %d, %s%n",
                store.embedded() ? "embedded" : "external",
                store.jdbcUrl(),
                store.schemaVersion(),
                store.reachable() ? "reachable" : "NOT reachable");
        System.out.printf("master key  : %s%n", store.masterKeyId());
        System.out.printf("tenants     : %d%n", store.tenants().list().size());
        System.out.printf("sessions    : %d %s%n", sessions.size(), byStatus);
        System.out.printf("WhatsApp Web: %s%n", config.waUrl());
    }
}
