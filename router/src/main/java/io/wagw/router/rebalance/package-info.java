/**
 * Pacing of session moves: which of the differences between the current table and the desired placement to
 * act on now ({@link io.wagw.router.rebalance.RebalancePolicy}). Rate-limited (K moves per node per minute) and
 * hysteretic (T seconds of continuous ill health before sessions leave a node because of it), because WhatsApp
 * dislikes rapid re-logins and a flapping node would churn sessions. Pure: the clock is an argument.
 */
package io.wagw.router.rebalance;
