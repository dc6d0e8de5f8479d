package io.wagw.store.webhook;

import java.time.Duration;

/**
 * How often and how patiently a delivery is retried, snapshotted from the webhook's configuration.
 *
 * @param maxAttempts total attempts, the first included; after the last failed one the row is dead
 * @param policy      {@code constant}, {@code linear} or {@code exponential}; interpreted by the dispatcher
 * @param delay       the base delay between attempts
 */
public record RetryPlan(int maxAttempts, String policy, Duration delay) {}
