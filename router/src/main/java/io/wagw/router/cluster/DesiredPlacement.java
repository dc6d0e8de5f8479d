package io.wagw.router.cluster;

import io.wagw.router.placement.NodeSpec;
import java.util.List;
import java.util.Map;

/**
 * The coordinator's desired placement as it is kept between rounds and across coordinator changes: the table
 * and the node specs it was computed for. Without the specs a new coordinator could not tell which ring points
 * are new, so a node that joined just before the hand-over would never get its share.
 *
 * @param owners session to node in the desired placement (may differ from the assignment table while moves wait)
 * @param nodes  the node specs the placement saw
 */
record DesiredPlacement(Map<String, String> owners, List<NodeSpec> nodes) {
    DesiredPlacement {
        owners = Map.copyOf(owners);
        nodes = List.copyOf(nodes);
    }

    static DesiredPlacement empty() {
        return new DesiredPlacement(Map.of(), List.of());
    }
}
