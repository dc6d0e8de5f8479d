package io.wagw.router.bench;

import io.wagw.router.placement.NodeLoad;
import io.wagw.router.placement.NodeSpec;
import io.wagw.router.placement.NodeState;
import io.wagw.router.placement.Placement;
import io.wagw.router.placement.PlacementOptions;
import io.wagw.router.placement.PlacementTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Simulation of the placement on a large cluster: 10,000 sessions on 100 nodes, then a few hundred random
 * events (failures, recoveries, joins, drains, health drops and restores), each followed by a sticky
 * {@link Placement#rebalance}. Prints, per event type, the sessions moved against the ideal and the max/average
 * load, plus the time of one full placement, and writes the same as JSON to the path given as first argument.
 * Tunables (JVM properties): {@code -Dsim.seed=42 -Dsim.events=300 -Dsim.sessions=10000 -Dsim.nodes=100
 * -Dsim.capacity=150}.
 */
public final class PlacementSimulation {
    private static final String[] TYPES = {"fail", "recover", "join", "drain", "degrade", "restore"};

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results/placement.json");
        long seed = Long.getLong("sim.seed", 42);
        int events = Integer.getInteger("sim.events", 300);
        int sessionCount = Integer.getInteger("sim.sessions", 10_000);
        int nodeCount = Integer.getInteger("sim.nodes", 100);
        int capacity = Integer.getInteger("sim.capacity", 150);
        PlacementOptions options = new PlacementOptions(0.25, 160, capacity);

        Random random = new Random(seed);
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < sessionCount; i++) {
            sessions.add("tenant-" + random.nextInt(2_000) + "/line-" + i);
        }
        Map<String, NodeSpec> nodes = new TreeMap<>();
        for (int i = 0; i < nodeCount; i++) {
            String id = String.format(Locale.ROOT, "node-%03d", i);
            nodes.put(id, NodeSpec.active(id, capacity));
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sessions", sessionCount);
        result.put("initial_nodes", nodeCount);
        result.put("capacity_per_node", capacity);
        result.put("epsilon", options.epsilon());
        result.put("virtual_nodes_per_reference_capacity", options.virtualNodes());
        result.put("events", events);
        result.put("seed", seed);
        result.put("full_placement_ms", timeFullPlacement(new ArrayList<>(nodes.values()), sessions, options));

        PlacementTable current = Placement.assign(new ArrayList<>(nodes.values()), sessions, options);
        Map<String, Stats> stats = new LinkedHashMap<>();
        for (String type : TYPES) {
            stats.put(type, new Stats());
        }
        Stats initial = new Stats();
        initial.record(0, 0, current, 0);
        long[] rebalanceNanos = new long[events];
        int joined = 0;
        for (int e = 0; e < events; e++) {
            String type = pickType(random, nodes);
            String target = applyEvent(type, random, nodes, capacity, joined);
            if (type.equals("join")) {
                joined++;
            }
            int before = current.sessionsOn(target);
            double shareBefore = current.load(target).map(NodeLoad::fairShare).orElse(0.0);
            List<NodeSpec> specs = new ArrayList<>(nodes.values());
            long t0 = System.nanoTime();
            PlacementTable next = Placement.rebalance(current, specs, sessions, options);
            rebalanceNanos[e] = System.nanoTime() - t0;
            double shareAfter = next.load(target).map(NodeLoad::fairShare).orElse(0.0);
            double ideal = switch (type) {
                case "fail", "drain" -> before; // only the node's own sessions must move
                case "join", "recover" -> shareAfter; // the newcomer's fair share, m / (N + 1) for equal nodes
                default -> Math.abs(shareAfter - shareBefore); // the change of the node's fair share
            };
            stats.get(type).record(next.moves().size(), ideal, next, countViolations(next, specs));
            current = next;
            if (type.equals("drain")) {
                nodes.remove(target); // a drained node leaves the cluster once empty
            }
        }
        Arrays.sort(rebalanceNanos);

        System.out.println();
        System.out.println("placement simulation: " + sessionCount + " sessions, " + nodeCount + " nodes of capacity "
                + capacity + ", ε = " + options.epsilon() + ", " + events + " events, seed " + seed);
        System.out.printf(
                Locale.ROOT,
                "%-9s %6s %9s %9s %12s %13s %11s %11s %10s%n",
                "event",
                "count",
                "moved",
                "ideal",
                "moved/ideal",
                "worst/event",
                "max/avg",
                "worst m/a",
                "violations");
        Map<String, Object> perType = new LinkedHashMap<>();
        System.out.println(initial.row("initial"));
        perType.put("initial", initial.json());
        for (String type : TYPES) {
            System.out.println(stats.get(type).row(type));
            perType.put(type, stats.get(type).json());
        }
        result.put("per_event_type", perType);
        result.put("rebalance_ms_p50", ms(rebalanceNanos[events / 2]));
        result.put("rebalance_ms_max", ms(rebalanceNanos[events - 1]));
        result.put("final_nodes", nodes.size());
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("java", System.getProperty("java.version"));
        @SuppressWarnings("unchecked")
        Map<String, Object> full = (Map<String, Object>) result.get("full_placement_ms");
        System.out.printf(
                Locale.ROOT,
                "full placement of %d sessions on %d nodes: p50 %.2f ms, p90 %.2f ms; "
                        + "rebalance after an event: p50 %.2f ms, max %.2f ms%n",
                sessionCount,
                nodeCount,
                full.get("p50"),
                full.get("p90"),
                ms(rebalanceNanos[events / 2]),
                ms(rebalanceNanos[events - 1]));
        System.out.println(
                "moved/ideal: total sessions moved over the sum of ideals; max/avg: the fullest node over the"
                        + " average load of the nodes that accept sessions, after each event");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json(result, "") + "\n");
        System.out.println("saved to " + out.toAbsolutePath());
    }

    /** Keeps between 85 % and 115 % of the initial node count alive so the capacity always suffices. */
    private static String pickType(Random random, Map<String, NodeSpec> nodes) {
        long alive = nodes.values().stream().filter(NodeSpec::acceptsSessions).count();
        long down =
                nodes.values().stream().filter(n -> n.state() == NodeState.DOWN).count();
        long degraded = nodes.values().stream()
                .filter(n -> n.state() == NodeState.DEGRADED)
                .count();
        while (true) {
            int roll = random.nextInt(100);
            String type = roll < 30
                    ? "fail"
                    : roll < 50
                            ? "recover"
                            : roll < 65 ? "join" : roll < 75 ? "drain" : roll < 90 ? "degrade" : "restore";
            boolean possible = switch (type) {
                case "fail", "drain", "degrade" -> alive > 85;
                case "recover" -> down > 0;
                case "join" -> alive < 115;
                default -> degraded > 0;
            };
            if (possible) {
                return type;
            }
        }
    }

    /** Changes the cluster and returns the node the event is about. */
    private static String applyEvent(
            String type, Random random, Map<String, NodeSpec> nodes, int capacity, int joined) {
        if (type.equals("join")) {
            String id = String.format(Locale.ROOT, "new-%03d", joined);
            nodes.put(id, NodeSpec.active(id, capacity));
            return id;
        }
        NodeState wanted = switch (type) {
            case "recover" -> NodeState.DOWN;
            case "restore" -> NodeState.DEGRADED;
            default -> NodeState.ACTIVE;
        };
        List<NodeSpec> candidates =
                nodes.values().stream().filter(n -> n.state() == wanted).toList();
        NodeSpec node = candidates.get(random.nextInt(candidates.size()));
        NodeSpec changed = switch (type) {
            case "fail" -> node.withState(NodeState.DOWN);
            case "drain" -> node.withState(NodeState.DRAINING);
            case "degrade" ->
                new NodeSpec(node.nodeId(), capacity, 0.3 + 0.4 * random.nextDouble(), NodeState.DEGRADED);
            default -> NodeSpec.active(node.nodeId(), capacity);
        };
        nodes.put(node.nodeId(), changed);
        return node.nodeId();
    }

    private static int countViolations(PlacementTable assignment, List<NodeSpec> specs) {
        Map<String, Integer> capacity = new TreeMap<>();
        specs.forEach(s -> capacity.put(s.nodeId(), s.capacity()));
        int violations = 0;
        for (NodeLoad load : assignment.loads()) {
            if (load.sessions() > load.bound() || load.sessions() > capacity.get(load.nodeId())) {
                violations++;
            }
        }
        return violations + assignment.unplaced().size();
    }

    private static Map<String, Object> timeFullPlacement(
            List<NodeSpec> nodes, List<String> sessions, PlacementOptions options) {
        for (int i = 0; i < 20; i++) {
            Placement.assign(nodes, sessions, options); // warm-up
        }
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            Placement.assign(nodes, sessions, options);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("runs", nanos.length);
        timing.put("p50", ms(nanos[nanos.length / 2]));
        timing.put("p90", ms(nanos[nanos.length * 9 / 10]));
        timing.put("min", ms(nanos[0]));
        return timing;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    /** Per event type: moves against the ideal, and the load spread after each event. */
    private static final class Stats {
        private int count;
        private long moved;
        private double ideal;
        private double worstRatio;
        private double maxOverAvgSum;
        private double worstMaxOverAvg;
        private int violations;

        void record(int movedNow, double idealNow, PlacementTable after, int violationsNow) {
            count++;
            moved += movedNow;
            ideal += idealNow;
            if (idealNow > 0) {
                worstRatio = Math.max(worstRatio, movedNow / idealNow);
            }
            long accepting =
                    after.nodes().stream().filter(NodeSpec::acceptsSessions).count();
            int max = after.loads().stream().mapToInt(NodeLoad::sessions).max().orElse(0);
            double maxOverAvg = max / ((double) after.owners().size() / accepting);
            maxOverAvgSum += maxOverAvg;
            worstMaxOverAvg = Math.max(worstMaxOverAvg, maxOverAvg);
            violations += violationsNow;
        }

        String row(String type) {
            return String.format(
                    Locale.ROOT,
                    "%-9s %6d %9d %9.1f %12.3f %13.3f %11.3f %11.3f %10d",
                    type,
                    count,
                    moved,
                    ideal,
                    ideal > 0 ? moved / ideal : 0.0,
                    worstRatio,
                    count > 0 ? maxOverAvgSum / count : 0.0,
                    worstMaxOverAvg,
                    violations);
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("count", count);
            json.put("moved", moved);
            json.put("ideal", round(ideal));
            json.put("moved_over_ideal", ideal > 0 ? round(moved / ideal) : 0.0);
            json.put("worst_moved_over_ideal", round(worstRatio));
            json.put("mean_max_over_avg_load", count > 0 ? round(maxOverAvgSum / count) : 0.0);
            json.put("worst_max_over_avg_load", round(worstMaxOverAvg));
            json.put("bound_or_cap_violations", violations);
            return json;
        }

        private static double round(double x) {
            return Math.round(x * 1000) / 1000.0;
        }
    }

    private static String json(Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                sb.append(indent)
                        .append("  \"")
                        .append(entry.getKey())
                        .append("\": ")
                        .append(json(entry.getValue(), indent + "  "))
                        .append(++i < map.size() ? ",\n" : "\n");
            }
            return sb.append(indent).append('}').toString();
        }
        if (value instanceof String text) {
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        return String.valueOf(value);
    }
}
