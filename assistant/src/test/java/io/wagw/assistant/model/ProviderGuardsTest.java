package io.wagw.assistant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wagw.assistant.model.ChatProvider.ChatCall;
import io.wagw.sim.llm.FakeLlm;
import io.wagw.sim.llm.FakeLlm.Fault;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LangChain4j providers behind Resilience4j against a local fake speaking the providers' HTTP formats:
 * what is retried and how often (counted at the fake), the timeout, and a breaker opening and recovering.
 */
class ProviderGuardsTest {
    private static FakeLlm fake;
    private SimpleMeterRegistry registry;
    private ProviderGuards guards;

    private static final ChatCall CALL = new ChatCall(
            "gpt-test", "KNOWLEDGE:\n[1] Prices: manicure 12 000 ₸\n", "how much is a manicure?", 0.2, 100);

    @BeforeAll
    static void startFake() {
        fake = FakeLlm.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void fresh() {
        fake.reset();
        registry = new SimpleMeterRegistry();
        guards = new ProviderGuards(
                new ProviderGuards.Settings(
                        8,
                        Duration.ofMillis(100),
                        Duration.ofMillis(50),
                        Duration.ofSeconds(3),
                        4,
                        4,
                        50,
                        Duration.ofMillis(700),
                        1),
                registry);
    }

    @AfterEach
    void close() {
        guards.close();
    }

    private static ProviderConfig openAi(String name, Duration timeout, int retries) {
        return new ProviderConfig(
                name, ProviderKind.OPENAI, fake.openAiUrl(), "sk-test", "gpt-test", null, timeout, retries);
    }

    private ChatProvider guarded(ProviderConfig c) {
        return guards.guard(c, ModelProviders.connect(c));
    }

    @Test
    void anOpenAiAnswerCarriesTheTextAndTheProvidersTokenCounts() {
        var c = guarded(openAi("p-ok", Duration.ofSeconds(5), 2)).complete(CALL);

        assertThat(c.text()).isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(c.tokensIn())
                .isEqualTo((CALL.system().length() + 3) / 4 + (CALL.user().length() + 3) / 4);
        assertThat(c.tokensOut()).isEqualTo((c.text().length() + 3) / 4);
        var r = fake.requests().getFirst();
        assertThat(r.format()).isEqualTo("openai");
        assertThat(r.model()).isEqualTo("gpt-test");
        assertThat(r.apiKey()).isEqualTo("sk-test");
        assertThat(r.user()).isEqualTo("how much is a manicure?");
    }

    @Test
    void aRateLimitIsRetriedAfterTheProvidersRetryAfter() {
        fake.then(new Fault.RateLimited(1));
        long started = System.nanoTime();

        var c = guarded(openAi("p-429", Duration.ofSeconds(5), 2)).complete(CALL);

        assertThat(c.text()).isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(fake.requests()).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRetryAfterLongerThanTheLimitIsNotWaitedFor() {
        fake.then(new Fault.RateLimited(60));

        assertThatThrownBy(() ->
                        guarded(openAi("p-429-long", Duration.ofSeconds(5), 2)).complete(CALL))
                .isInstanceOfSatisfying(
                        ProviderFailure.class, f -> assertThat(f.kind()).isEqualTo(ProviderFailure.Kind.RATE_LIMITED));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void serverErrorsAreRetriedUntilTheRetriesRunOut() {
        fake.then(new Fault.ServerError(500), new Fault.ServerError(503));
        assertThat(guarded(openAi("p-500", Duration.ofSeconds(5), 2))
                        .complete(CALL)
                        .text())
                .isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(fake.requests()).hasSize(3);

        fake.reset();
        fake.always(new Fault.ServerError(500));
        assertThatThrownBy(() -> guarded(openAi("p-500-always", Duration.ofSeconds(5), 2))
                        .complete(CALL))
                .isInstanceOfSatisfying(
                        ProviderFailure.class, f -> assertThat(f.kind()).isEqualTo(ProviderFailure.Kind.SERVER));
        assertThat(fake.requests()).hasSize(3);
    }

    @Test
    void aSlowAnswerTimesOutAndTheNextAttemptAnswers() {
        fake.then(new Fault.Slow(Duration.ofSeconds(3)));
        long started = System.nanoTime();

        var c = guarded(openAi("p-slow", Duration.ofMillis(400), 1)).complete(CALL);

        assertThat(c.text()).isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(fake.requests()).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void malformedJsonAndAnotherSchemaAreBadResponsesNotRetried() {
        fake.then(new Fault.Malformed());
        assertThatThrownBy(() ->
                        guarded(openAi("p-malformed", Duration.ofSeconds(5), 2)).complete(CALL))
                .isInstanceOfSatisfying(
                        ProviderFailure.class, f -> assertThat(f.kind()).isEqualTo(ProviderFailure.Kind.BAD_RESPONSE));
        assertThat(fake.requests()).hasSize(1);

        fake.reset();
        fake.then(new Fault.WrongSchema());
        assertThatThrownBy(() ->
                        guarded(openAi("p-schema", Duration.ofSeconds(5), 2)).complete(CALL))
                .isInstanceOfSatisfying(
                        ProviderFailure.class, f -> assertThat(f.kind()).isEqualTo(ProviderFailure.Kind.BAD_RESPONSE));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void theBreakerOpensAfterFailuresRefusesWithoutCallingThenRecoversHalfOpen() throws Exception {
        var provider = guarded(openAi("p-breaker", Duration.ofSeconds(5), 0));
        fake.always(new Fault.ServerError(500));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> provider.complete(CALL)).isInstanceOf(ProviderFailure.class);
        }
        assertThat(guards.breakerStates()).containsEntry("p-breaker", "OPEN");

        assertThatThrownBy(() -> provider.complete(CALL)).isInstanceOf(CallNotPermittedException.class);
        assertThat(fake.requests()).hasSize(4);
        assertThat(registry.get("resilience4j.circuitbreaker.state")
                        .tags("name", "p-breaker", "state", "open")
                        .gauge()
                        .value())
                .isEqualTo(1.0);

        Thread.sleep(800);
        fake.always(new Fault.Ok());
        assertThat(provider.complete(CALL).text()).isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(fake.requests()).hasSize(5);
        assertThat(guards.breakerStates()).containsEntry("p-breaker", "CLOSED");
    }

    @Test
    void theBreakerOpensAgainWhenTheHalfOpenProbeFails() throws Exception {
        var provider = guarded(openAi("p-probe", Duration.ofSeconds(5), 0));
        fake.always(new Fault.ServerError(500));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> provider.complete(CALL)).isInstanceOf(ProviderFailure.class);
        }
        Thread.sleep(800);

        assertThatThrownBy(() -> provider.complete(CALL)).isInstanceOf(ProviderFailure.class);

        assertThat(fake.requests()).hasSize(5);
        assertThat(guards.breakerStates()).containsEntry("p-probe", "OPEN");
    }

    @Test
    void anthropicSpeaksItsMessagesFormatAndIsRetriedToo() {
        var config = new ProviderConfig(
                "a-ok",
                ProviderKind.ANTHROPIC,
                fake.anthropicUrl(),
                "sk-ant-test",
                "claude-test",
                null,
                Duration.ofSeconds(5),
                2);
        fake.then(new Fault.ServerError(529));

        var c = guards.guard(config, ModelProviders.connect(config))
                .complete(new ChatCall("claude-test", CALL.system(), CALL.user(), 0.2, 100));

        assertThat(c.text()).isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(c.tokensOut()).isEqualTo((c.text().length() + 3) / 4);
        assertThat(fake.requests()).hasSize(2);
        var r = fake.requests().getLast();
        assertThat(r.format()).isEqualTo("anthropic");
        assertThat(r.apiKey()).isEqualTo("sk-ant-test");
        assertThat(r.system()).contains("[1] Prices: manicure 12 000 ₸");
        assertThat(r.user()).isEqualTo("how much is a manicure?");
    }

    @Test
    void geminiSpeaksItsGenerateContentFormat() {
        var config = new ProviderConfig(
                "g-ok",
                ProviderKind.GEMINI,
                fake.geminiUrl(),
                "gm-test",
                "gemini-test",
                null,
                Duration.ofSeconds(5),
                2);

        var c = guards.guard(config, ModelProviders.connect(config))
                .complete(new ChatCall("gemini-test", CALL.system(), CALL.user(), 0.2, 100));

        assertThat(c.text()).isEqualTo("Prices: manicure 12 000 ₸");
        var r = fake.requests().getLast();
        assertThat(r.format()).isEqualTo("gemini");
        assertThat(r.model()).isEqualTo("gemini-test");
        assertThat(r.user()).isEqualTo("how much is a manicure?");
    }

    @Test
    void theNodesBulkheadRefusesCallsBeyondItsConcurrency() throws Exception {
        guards.close();
        guards = new ProviderGuards(
                new ProviderGuards.Settings(
                        1,
                        Duration.ofMillis(100),
                        Duration.ofMillis(50),
                        Duration.ofSeconds(3),
                        4,
                        4,
                        50,
                        Duration.ofSeconds(5),
                        1),
                registry);
        var provider = guarded(openAi("p-bulkhead", Duration.ofSeconds(5), 0));
        fake.then(new Fault.Slow(Duration.ofMillis(1_500)));
        var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> provider.complete(CALL));
        while (fake.requests().isEmpty()) {
            Thread.sleep(10);
        }

        assertThatThrownBy(() -> provider.complete(CALL))
                .isInstanceOf(io.github.resilience4j.bulkhead.BulkheadFullException.class);
        assertThat(guards.freeCalls()).isZero();
        assertThat(slow.get().text()).isEqualTo("Prices: manicure 12 000 ₸");
        assertThat(fake.requests()).hasSize(1);
        assertThat(guards.freeCalls()).isEqualTo(1);
    }
}
