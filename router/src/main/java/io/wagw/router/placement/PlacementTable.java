package io.wagw.router.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The result of one placement: which node owns each session.
 *
 * @param owners   session id to node id, iterating in session id order; sessions that could not be placed are absent
 * @param loads    one entry per input node (sorted by node id), including nodes that hold nothing
 * @param unplaced sessions (sorted) that found no room because the accepting nodes' capacities add up to less
 *                 than the number of sessions; reported, never thrown
 * @param nodes    the node specs this placement was computed for, sorted by node id; pass the assignment back
 *                 to {@link Placement#rebalance(PlacementTable, List, java.util.Collection, PlacementOptions)}
 *                 so it can tell which ring points are new
 * @param moves    sessions whose owner changed relative to the previous table given to {@code rebalance},
 *                 sorted by session id; empty for {@link Placement#assign}
 */
public record PlacementTable(
        Map<String, String> owners,
        List<NodeLoad> loads,
        List<String> unplaced,
        List<NodeSpec> nodes,
        List<Move> moves) {

    public PlacementTable {
        owners = Collections.unmodifiableMap(sortedCopy(Objects.requireNonNull(owners, "owners")));
        loads = List.copyOf(loads);
        unplaced = List.copyOf(unplaced);
        nodes = List.copyOf(nodes);
        moves = List.copyOf(moves);
    }

    /** The assignment of an empty cluster: the starting point of a first {@code rebalance}. */
    public static PlacementTable empty() {
        return new PlacementTable(Map.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A copy iterating in session id order; linear when the map already iterates in that order. */
    private static Map<String, String> sortedCopy(Map<String, String> owners) {
        String previous = null;
        boolean sorted = true;
        for (String session : owners.keySet()) {
            if (previous != null && previous.compareTo(session) >= 0) {
                sorted = false;
                break;
            }
            previous = session;
        }
        return sorted ? new LinkedHashMap<>(owners) : new LinkedHashMap<>(new TreeMap<>(owners));
    }

    public Optional<String> ownerOf(String session) {
        return Optional.ofNullable(owners.get(session));
    }

    /** Load entry of a node, empty when the node was not an input of this placement. */
    public Optional<NodeLoad> load(String nodeId) {
        return loads.stream().filter(l -> l.nodeId().equals(nodeId)).findFirst();
    }

    /** Sessions held by a node (0 for an unknown node). */
    public int sessionsOn(String nodeId) {
        return load(nodeId).map(NodeLoad::sessions).orElse(0);
    }
}
