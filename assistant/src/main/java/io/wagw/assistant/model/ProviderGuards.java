package io.wagw.assistant.model;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Resilience4j around every provider call: per attempt a timeout; failed attempts retried on 429, 5xx and
 * timeouts with exponential backoff, or after the provider's {@code Retry-After} when it gave one (a longer
 * wait than {@link Settings#maxRetryAfter} is not waited for: the next provider answers sooner); a circuit
 * breaker per provider name; one bulkhead for all provider calls of the node.
 *
 * <p>Order: bulkhead → retry → circuit breaker → time limiter → call, so every attempt counts for the breaker
 * and an open breaker ends the retries at once.
 */
public final class ProviderGuards implements AutoCloseable {
    /**
     * @param concurrency     provider calls the node makes at once; more wait up to {@code bulkheadWait}
     * @param backoff         the first retry's pause, doubled for each further one
     * @param maxRetryAfter   the longest {@code Retry-After} waited for
     * @param breakerWindow   the last this many calls decide whether a breaker opens
     * @param breakerMinCalls calls needed before a breaker may open
     * @param breakerOpen     how long an open breaker refuses calls before letting probes through (half-open)
     */
    public record Settings(
            int concurrency,
            Duration bulkheadWait,
            Duration backoff,
            Duration maxRetryAfter,
            int breakerWindow,
            int breakerMinCalls,
            float failureRatePercent,
            Duration breakerOpen,
            int halfOpenCalls) {
        public static Settings defaults(int concurrency) {
            return new Settings(
                    concurrency,
                    Duration.ofMillis(500),
                    Duration.ofMillis(250),
                    Duration.ofSeconds(5),
                    10,
                    5,
                    50,
                    Duration.ofSeconds(30),
                    2);
        }
    }

    private final Settings settings;
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;
    private final Bulkhead bulkhead;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();

    public ProviderGuards(Settings settings, MeterRegistry registry) {
        this.settings = settings;
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .build());
        this.retries = RetryRegistry.ofDefaults();
        var bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.concurrency())
                .maxWaitDuration(settings.bulkheadWait())
                .build());
        this.bulkhead = bulkheads.bulkhead("llm");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
    }

    /** {@code provider} behind the timeout, retries, the breaker named {@code config.name()} and the bulkhead. */
    public ChatProvider guard(ProviderConfig config, ChatProvider provider) {
        CircuitBreaker breaker = breakers.circuitBreaker(config.name());
        Retry retry = retries.retry(
                config.name(),
                RetryConfig.<ChatProvider.Completion>custom()
                        .maxAttempts(config.retries() + 1)
                        .retryOnException(this::worthRetrying)
                        .intervalBiFunction(interval())
                        .build());
        TimeLimiter limiter = TimeLimiter.of(
                config.name(),
                TimeLimiterConfig.custom()
                        .timeoutDuration(config.timeout())
                        .cancelRunningFuture(true)
                        .build());
        return call -> {
            Callable<ChatProvider.Completion> attempt = () -> within(limiter, config, () -> provider.complete(call));
            var guarded = Bulkhead.decorateCallable(
                    bulkhead, Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, attempt)));
            try {
                return guarded.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ProviderFailure(ProviderFailure.Kind.SERVER, e.toString(), null, e);
            }
        };
    }

    private ChatProvider.Completion within(
            TimeLimiter limiter, ProviderConfig config, Callable<ChatProvider.Completion> call) {
        try {
            return limiter.executeFutureSupplier(() -> attempts.submit(call));
        } catch (TimeoutException e) {
            throw new ProviderFailure(
                    ProviderFailure.Kind.TIMEOUT,
                    "no answer within " + config.timeout().toMillis() + " ms",
                    null,
                    null);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : LangChainChat.classify(e.getCause());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw LangChainChat.classify(e);
        }
    }

    private boolean worthRetrying(Throwable e) {
        return e instanceof ProviderFailure f
                && f.retryable()
                && f.retryAfter()
                        .map(d -> d.compareTo(settings.maxRetryAfter()) <= 0)
                        .orElse(true);
    }

    /** The provider's {@code Retry-After} when it gave one, else the backoff doubled per attempt. */
    private IntervalBiFunction<ChatProvider.Completion> interval() {
        long base = settings.backoff().toMillis();
        return (attempt, outcome) -> {
            if (outcome.isLeft()
                    && outcome.getLeft() instanceof ProviderFailure f
                    && f.retryAfter().isPresent()) {
                return f.retryAfter().get().toMillis();
            }
            return base << Math.min(10, Math.max(0, attempt - 1));
        };
    }

    /** Each provider's breaker state by name ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}). */
    public Map<String, String> breakerStates() {
        var out = new TreeMap<String, String>();
        breakers.getAllCircuitBreakers()
                .forEach(b -> out.put(b.getName(), b.getState().name()));
        return out;
    }

    /** Calls the node's bulkhead lets through now, of {@link Settings#concurrency}. */
    public int freeCalls() {
        return bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    @Override
    public void close() {
        attempts.shutdownNow();
    }
}
