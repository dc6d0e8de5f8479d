package io.wagw.assistant.model;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wagw.assistant.knowledge.ExtractiveAnswerer;
import io.wagw.assistant.model.ModelPrompt.ActivePrompt;
import io.wagw.assistant.pipeline.Answerer;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.policy.Texts;
import io.wagw.store.assistant.Knowledge.Hit;
import io.wagw.store.assistant.ModelUsage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers with a language model from the tenant's knowledge, when a provider is configured for the tenant
 * (its own or the node's); otherwise, and whenever every provider fails, as the {@link ExtractiveAnswerer}
 * does. The chain: primary provider → secondary provider → extractive answer; the pipeline adds the last
 * step, the fallback template and an escalation, for an answer below its confidence threshold or a failure.
 *
 * <p>The model gets the tenant's active prompt version, tone and wording, the chunks the same retrieval as
 * the extractive answerer finds, and the customer's memory, within a token budget ({@link ModelPrompt}). It
 * is told to say {@value ModelPrompt#CANNOT} when the knowledge does not answer; such an answer has
 * confidence 0, so the chat is escalated. A question the retrieval finds nothing for is not sent to a model.
 * An answer the model wrote has confidence {@value #MODEL_CONFIDENCE}: it is grounded in retrieved
 * knowledge and was not refused.
 *
 * <p>A short and simple message goes to the provider's cheap model ({@link ModelRouting}). The main model is
 * the active prompt version's {@code model} for the tenant's first provider (unless it is {@code default}),
 * else the provider's configured main model.
 */
public final class ModelAnswerer implements Answerer {
    private static final Logger log = LoggerFactory.getLogger(ModelAnswerer.class);
    public static final int MAX_ANSWER_TOKENS = 400;
    static final double MODEL_CONFIDENCE = 0.9;
    static final int CHUNKS = 5;

    /** The tenant's active prompt version. */
    @FunctionalInterface
    public interface PromptSource {
        Optional<ActivePrompt> active(String tenant);
    }

    /** Where each call is recorded for the tenant's usage. */
    @FunctionalInterface
    public interface CallLog {
        void record(String tenant, ModelUsage.Call call);
    }

    private final ExtractiveAnswerer.Retriever retriever;
    private final Answerer extractive;
    private final PromptSource prompts;
    private final ModelProviders providers;
    private final AnswerCache cache;
    private final CallLog calls;
    private final MeterRegistry registry;

    public ModelAnswerer(
            ExtractiveAnswerer.Retriever retriever,
            Answerer extractive,
            PromptSource prompts,
            ModelProviders providers,
            AnswerCache cache,
            CallLog calls,
            MeterRegistry registry) {
        this.retriever = retriever;
        this.extractive = extractive;
        this.prompts = prompts;
        this.providers = providers;
        this.cache = cache;
        this.calls = calls;
        this.registry = registry;
    }

    @Override
    public Answer answer(Question q) {
        List<ModelProviders.Route> chain;
        try {
            chain = providers.chain(q.tenant(), q.settings());
        } catch (RuntimeException e) {
            // its key does not open (a master key dropped from the keyring): answer as if it had no model
            log.warn(
                    "tenant {}: its model provider cannot be used, answering without a model: {}",
                    q.tenant(),
                    e.getMessage());
            return extractive.answer(q);
        }
        if (chain.isEmpty()) {
            return extractive.answer(q);
        }
        List<Hit> hits = retriever.search(q.tenant(), q.text(), CHUNKS);
        if (hits.isEmpty()) {
            return extractive.answer(q);
        }
        ActivePrompt prompt = prompts.active(q.tenant()).orElseGet(ActivePrompt::builtIn);
        var generation = new AnswerCache.Generation(hits.get(0).version(), prompt.version(), q.settings());
        String key = q.language().code() + ":" + Texts.normalize(q.text());
        var cached = cache.get(q.tenant(), generation, key);
        if (cached.isPresent()) {
            Answer a = cached.get();
            counter("wagw.assistant.model.cache", "result", "hit").increment();
            record(q.tenant(), new ModelUsage.Call("cache", "cache", true, true, 0, 0, 0));
            return new Answer(a.text(), a.kind(), a.confidence(), a.sources(), 0, 0, 0);
        }
        counter("wagw.assistant.model.cache", "result", "miss").increment();
        var messages = ModelPrompt.build(prompt, q.settings(), q.language(), hits, q.customer(), q.text());
        List<String> sources = sources(hits);
        for (int i = 0; i < chain.size(); i++) {
            var route = chain.get(i);
            var config = route.config();
            String main = i == 0 && !ActivePrompt.DEFAULT_MODEL.equals(prompt.model()) && prompt.version() > 0
                    ? prompt.model()
                    : config.mainModel();
            String model = ModelRouting.pick(q.text(), main, config.cheapModel());
            var call = new ChatProvider.ChatCall(
                    model, messages.system(), messages.user(), prompt.temperature(), MAX_ANSWER_TOKENS);
            long started = System.nanoTime();
            try {
                var c = route.provider().complete(call);
                latency(config).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                double cost = providers.prices().cost(model, c.tokensIn(), c.tokensOut());
                record(
                        q.tenant(),
                        new ModelUsage.Call(config.name(), model, true, false, c.tokensIn(), c.tokensOut(), cost));
                meter(config, model, "ok", c.tokensIn(), c.tokensOut(), cost);
                Answer a = c.text().contains(ModelPrompt.CANNOT)
                        ? new Answer(ModelPrompt.CANNOT, ReplyKind.MODEL, 0, sources, c.tokensIn(), c.tokensOut(), cost)
                        : new Answer(
                                c.text(),
                                ReplyKind.MODEL,
                                MODEL_CONFIDENCE,
                                sources,
                                c.tokensIn(),
                                c.tokensOut(),
                                cost);
                cache.put(q.tenant(), generation, key, a);
                return a;
            } catch (RuntimeException e) {
                latency(config).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                record(q.tenant(), new ModelUsage.Call(config.name(), model, false, false, 0, 0, 0));
                meter(config, model, "failed", 0, 0, 0);
                String next = i + 1 < chain.size() ? chain.get(i + 1).config().name() : "the extractive answer";
                counter("wagw.assistant.model.fallbacks", "to", i + 1 < chain.size() ? "secondary" : "extractive")
                        .increment();
                log.warn(
                        "tenant {}: provider {} ({}) failed, answering with {}: {}",
                        q.tenant(),
                        config.name(),
                        model,
                        next,
                        e.toString());
            }
        }
        return extractive.answer(q);
    }

    /** Drops the tenant's cached answers: its knowledge, prompt or settings changed on this node. */
    @Override
    public void forget(String tenant) {
        cache.invalidate(tenant);
    }

    private void record(String tenant, ModelUsage.Call call) {
        try {
            calls.record(tenant, call);
        } catch (RuntimeException e) {
            log.warn("tenant {}: a model call was not added to its usage", tenant, e);
        }
    }

    private static List<String> sources(List<Hit> hits) {
        var out = new LinkedHashSet<String>();
        for (Hit h : hits) {
            out.add(h.headingPath().isBlank() ? "chunk " + h.ordinal() : h.headingPath());
        }
        return List.copyOf(out);
    }

    /** A tenant's own provider is metered as {@code tenant}: one series per tenant would not scale. */
    private static String route(ProviderConfig c) {
        return c.name().startsWith("tenant:") ? "tenant" : c.name();
    }

    /**
     * The model as a metric tag: the node's configured models by name, any other (a tenant's own, a prompt
     * version's) as {@code other}, so that tenants cannot grow the number of series.
     */
    private static String modelTag(ProviderConfig c, String model) {
        boolean configured = !c.name().startsWith("tenant:")
                && (model.equals(c.mainModel()) || model.equals(c.effectiveCheapModel()));
        return configured ? model : "other";
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }

    private Timer latency(ProviderConfig c) {
        return Timer.builder("wagw.assistant.model.latency")
                .description("time a provider took to answer, retries included")
                .tag("provider", route(c))
                .publishPercentileHistogram()
                .register(registry);
    }

    private void meter(ProviderConfig c, String calledModel, String outcome, long in, long out, double cost) {
        String provider = route(c);
        String model = modelTag(c, calledModel);
        Counter.builder("wagw.assistant.model.calls")
                .tag("provider", provider)
                .tag("model", model)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        if (in + out > 0) {
            Counter.builder("wagw.assistant.model.tokens")
                    .tag("provider", provider)
                    .tag("model", model)
                    .tag("direction", "in")
                    .register(registry)
                    .increment(in);
            Counter.builder("wagw.assistant.model.tokens")
                    .tag("provider", provider)
                    .tag("model", model)
                    .tag("direction", "out")
                    .register(registry)
                    .increment(out);
            Counter.builder("wagw.assistant.model.cost.usd")
                    .tag("provider", provider)
                    .tag("model", model)
                    .register(registry)
                    .increment(cost);
        }
    }
}
