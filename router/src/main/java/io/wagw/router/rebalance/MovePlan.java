package io.wagw.router.rebalance;

import java.util.List;

/**
 * What to do in this round.
 *
 * @param starts        sessions to start now on a node (they had no owner)
 * @param moves         moves to start now, failovers first, then drains, health moves and rebalancing
 * @param deferred      moves the desired placement wants that wait, with the reason
 * @param startsWaiting sessions to start whose node is full in the current table, for a later round
 */
public record MovePlan(
        List<Start> starts, List<PlannedMove> moves, List<Deferral> deferred, List<Start> startsWaiting) {
    public MovePlan {
        starts = List.copyOf(starts);
        moves = List.copyOf(moves);
        deferred = List.copyOf(deferred);
        startsWaiting = List.copyOf(startsWaiting);
    }
}
