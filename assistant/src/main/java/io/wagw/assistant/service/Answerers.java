package io.wagw.assistant.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.wagw.assistant.knowledge.ExtractiveAnswerer;
import io.wagw.assistant.model.AnswerCache;
import io.wagw.assistant.model.ChatProvider;
import io.wagw.assistant.model.ModelAnswerer;
import io.wagw.assistant.model.ModelPrompt.ActivePrompt;
import io.wagw.assistant.model.ModelProviders;
import io.wagw.assistant.model.ModelProviders.NodeModels;
import io.wagw.assistant.model.ProviderConfig;
import io.wagw.assistant.model.ProviderGuards;
import io.wagw.store.SessionStore;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.function.Function;

/** The answer engine of a node, wired to its store: the model path over the extractive answerer. */
public final class Answerers {
    /** Tenants whose answers the cache keeps, and answers per tenant. */
    static final int CACHED_TENANTS = 1_000;

    static final int CACHED_PER_TENANT = 500;

    private Answerers() {}

    /** The answer engine over the store's word retrieval (full text and trigrams) only. */
    public static ModelAnswerer of(
            SessionStore store,
            NodeModels models,
            ProviderGuards guards,
            Function<ProviderConfig, ChatProvider> connect,
            Clock clock,
            MeterRegistry registry) {
        return of(store, store.knowledge()::search, models, guards, connect, clock, registry);
    }

    /**
     * @param retriever finds the question's chunks for both the model and the extractive answer
     * @param connect   the provider of a configuration: {@link ModelProviders#connect} but in tests
     */
    public static ModelAnswerer of(
            SessionStore store,
            ExtractiveAnswerer.Retriever retriever,
            NodeModels models,
            ProviderGuards guards,
            Function<ProviderConfig, ChatProvider> connect,
            Clock clock,
            MeterRegistry registry) {
        var extractive = new ExtractiveAnswerer(retriever);
        var providers = new ModelProviders(
                models,
                guards,
                (tenant, sealedText) -> store.secrets().open(tenant, AssistantService.MODEL_KEY, sealedText),
                connect);
        return new ModelAnswerer(
                retriever,
                extractive,
                tenant -> store.prompts()
                        .active(tenant)
                        .map(p -> new ActivePrompt(p.version(), p.systemPrompt(), p.model(), p.temperature())),
                providers,
                new AnswerCache(CACHED_TENANTS, CACHED_PER_TENANT),
                (tenant, call) -> store.modelUsage().add(tenant, YearMonth.now(clock.withZone(ZoneOffset.UTC)), call),
                registry);
    }
}
