package io.wagw.assistant.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wagw.assistant.knowledge.Chunker;
import io.wagw.assistant.knowledge.KnowledgeVectors;
import io.wagw.assistant.pipeline.Answerer;
import io.wagw.assistant.pipeline.Decision;
import io.wagw.assistant.pipeline.Decision.QuotaAlert;
import io.wagw.assistant.pipeline.Pipeline;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.pipeline.Turn;
import io.wagw.assistant.policy.Intent;
import io.wagw.assistant.policy.Summaries;
import io.wagw.assistant.policy.Texts;
import io.wagw.assistant.settings.SettingsCodec;
import io.wagw.assistant.settings.TenantSettings;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.assistant.Knowledge;
import io.wagw.store.assistant.Prompts;
import io.wagw.store.assistant.TurnContext;
import io.wagw.store.assistant.TurnRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assistant of a node: for each stored inbound message, reads what the rules need, lets the
 * {@link Pipeline} decide, records the decision with its state changes once, and says what to send and
 * which events to publish. The caller sends through the session and publishes the events.
 */
public final class AssistantService {
    private static final Logger log = LoggerFactory.getLogger(AssistantService.class);
    private static final int RECENT_MESSAGES = 10;
    private static final String CUSTOMER_PREFIX = "customer: ";
    private static final int CONTEXT_CHARS = 2_000;
    private static final Duration SETTINGS_TTL = Duration.ofSeconds(2);
    /** A customer's summary is refreshed every this many of their messages. */
    static final int SUMMARY_EVERY = 10;

    /** A customer's message as stored, handed to the assistant. */
    public record Inbound(
            String session,
            String tenant,
            String chatId,
            String waMessageId,
            String text,
            String pushName,
            Instant at) {}

    /** A message to send through the session. */
    public record Outgoing(String chatId, String text, ReplyKind kind) {}

    /** An event for the tenant's webhooks: {@code assistant.escalation} or {@code quota.alert}. */
    public record Event(String type, Map<String, Object> payload) {}

    /**
     * @param decision   what the pipeline decided
     * @param messages   the reply to the customer first, then notices to the business's contacts
     * @param events     webhook events
     * @param repeated   the message was decided before: its state changes were not applied again
     */
    public record Outcome(Decision decision, List<Outgoing> messages, List<Event> events, boolean repeated) {}

    private record Cached(Optional<TenantSettings> settings, Instant readAt) {}

    /** The purpose a tenant's model API key is sealed for. */
    static final String MODEL_KEY = "model.apiKey";

    private final SessionStore store;
    private final Answerer answerer;
    private final KnowledgeVectors vectors;
    private final Pipeline pipeline;
    private final Clock clock;
    private final Map<String, Cached> settingsCache = new ConcurrentHashMap<>();
    private final AssistantMetrics metrics;

    public AssistantService(SessionStore store, Answerer answerer, Clock clock, MeterRegistry registry) {
        this(store, answerer, clock, registry, null);
    }

    /** @param vectors computes the vectors of uploaded knowledge; null stores knowledge without them */
    public AssistantService(
            SessionStore store, Answerer answerer, Clock clock, MeterRegistry registry, KnowledgeVectors vectors) {
        this.vectors = vectors;
        this.store = store;
        this.answerer = answerer;
        this.pipeline = new Pipeline(answerer);
        this.clock = clock;
        this.metrics = new AssistantMetrics(registry);
    }

    /**
     * The tenant's saved settings (read at most every two seconds per tenant), or empty when it never saved
     * any: such a tenant is not answered by the assistant.
     */
    public Optional<TenantSettings> settings(String tenant) {
        Instant now = clock.instant();
        Cached c = settingsCache.get(tenant);
        if (c != null && c.readAt().plus(SETTINGS_TTL).isAfter(now)) {
            return c.settings();
        }
        var stored = store.assistantSettings().get(tenant);
        Optional<TenantSettings> parsed = stored.map(s ->
                SettingsCodec.fromMap(s.settings(), store.tenants().get(tenant).displayName()));
        settingsCache.put(tenant, new Cached(parsed, now));
        return parsed;
    }

    /**
     * Validates and saves the tenant's settings; returns them as the API shows them, with their version. A
     * model provider's {@code apiKey} is sealed with the master key before it is stored; a provider sent
     * without one keeps the key saved before, if its provider and base URL did not change.
     */
    public Map<String, Object> saveSettings(String tenant, Map<String, ?> body) {
        var tenantRow = store.tenants().get(tenant);
        TenantSettings parsed = SettingsCodec.fromMap(body, tenantRow.displayName());
        var model = parsed.model();
        if (model != null) {
            if (model.sealedKey() != null) {
                throw new StoreException.InvalidInput(
                        "model.apiKeySealed", "model.apiKeySealed is kept by the server; send model.apiKey");
            }
            String sealedText = null;
            if (model.apiKey() != null) {
                sealedText = store.secrets().seal(tenant, MODEL_KEY, model.apiKey());
            } else {
                var before = store.assistantSettings()
                        .get(tenant)
                        .map(st -> SettingsCodec.fromMap(st.settings(), tenantRow.displayName())
                                .model());
                if (before.isPresent()
                        && before.get().kind() == model.kind()
                        && Objects.equals(before.get().baseUrl(), model.baseUrl())) {
                    sealedText = before.get().sealedKey();
                }
            }
            parsed = withModel(parsed, model.withSealedKey(sealedText));
        }
        var stored = store.assistantSettings().put(tenant, SettingsCodec.toMap(parsed));
        settingsCache.remove(tenant);
        answerer.forget(tenant);
        var out = new LinkedHashMap<String, Object>(SettingsCodec.toApiMap(parsed));
        out.put("version", stored.version());
        out.put("updatedAt", stored.updatedAt().toString());
        return out;
    }

    private static TenantSettings withModel(TenantSettings s, TenantSettings.ModelProvider model) {
        return new TenantSettings(
                s.businessName(),
                s.timezone(),
                s.languages(),
                s.tone(),
                s.templates(),
                s.quietHours(),
                s.escalation(),
                s.takeoverPause(),
                s.quota(),
                s.rateLimit(),
                s.retentionDays(),
                s.groups(),
                s.ignoreNumbers(),
                s.debounce(),
                s.quickReplies(),
                s.maxReplyChars(),
                model);
    }

    /** The tenant's settings as the API shows them: saved ones with their version, or the defaults. */
    public Map<String, Object> describeSettings(String tenant) {
        var tenantRow = store.tenants().get(tenant);
        var stored = store.assistantSettings().get(tenant);
        var out = new LinkedHashMap<String, Object>(
                stored.map(s -> SettingsCodec.toApiMap(SettingsCodec.fromMap(s.settings(), tenantRow.displayName())))
                        .orElseGet(() -> SettingsCodec.toApiMap(TenantSettings.defaults(tenantRow.displayName()))));
        out.put("version", stored.map(s -> s.version()).orElse(0L));
        out.put("updatedAt", stored.map(s -> s.updatedAt().toString()).orElse(null));
        return out;
    }

    /**
     * What the assistant would answer to {@code text}: the pipeline run on a turn with fresh state (no
     * earlier messages, notices, pauses or counters), with the tenant's saved settings or the defaults, and
     * as if the tenant were active: an owner tries the assistant while onboarding, before customers get it.
     * Nothing is sent or recorded.
     *
     * @param customerPhone the asking customer's number (digits), or null
     */
    public Decision ask(String tenant, String text, String customerPhone) {
        var tenantRow = store.tenants().get(tenant);
        TenantSettings s = settings(tenant).orElseGet(() -> TenantSettings.defaults(tenantRow.displayName()));
        String chatId = (customerPhone == null ? "0" : customerPhone) + "@c.us";
        Instant now = clock.instant();
        Turn turn = new Turn(
                tenant,
                true,
                s,
                chatId,
                customerPhone,
                false,
                text,
                List.of(),
                now,
                Turn.CustomerState.fresh(),
                Turn.ChatState.fresh(),
                Turn.MonthState.fresh(),
                false);
        return pipeline.decide(turn);
    }

    /** Chunks and stores Markdown or plain text as the tenant's new active knowledge. */
    public Knowledge.Version uploadKnowledge(String tenant, String format, String text) {
        if (!"markdown".equals(format) && !"text".equals(format)) {
            throw new StoreException.InvalidInput("format", "format must be one of markdown, text, qa");
        }
        if (text == null || text.isBlank()) {
            throw new StoreException.InvalidInput("text", "text is required");
        }
        return upload(tenant, format, text, Chunker.chunk(format, text));
    }

    /**
     * Stores question-answer pairs as the tenant's new active knowledge, one chunk per pair.
     *
     * @param source the pairs as uploaded (JSON), kept as the version's text
     */
    public Knowledge.Version uploadQa(String tenant, List<Chunker.QaPair> pairs, String source) {
        return upload(tenant, "qa", source, Chunker.qa(pairs));
    }

    /** Makes an earlier knowledge version the active one again. */
    public Knowledge.Version restoreKnowledge(String tenant, int version) {
        var v = store.knowledge().restore(tenant, version);
        answerer.forget(tenant);
        return v;
    }

    /** Creates the tenant's next prompt version (its first becomes active at once). */
    public Prompts.PromptVersion createPrompt(String tenant, String systemPrompt, String model, double temperature) {
        var p = store.prompts().create(tenant, systemPrompt, model, temperature);
        answerer.forget(tenant);
        return p;
    }

    /** Makes a prompt version the tenant's active one. */
    public Prompts.PromptVersion activatePrompt(String tenant, int version) {
        var p = store.prompts().activate(tenant, version);
        answerer.forget(tenant);
        return p;
    }

    /** Activates the prompt version that was active before the current one. */
    public Prompts.PromptVersion rollbackPrompt(String tenant) {
        var p = store.prompts().rollback(tenant);
        answerer.forget(tenant);
        return p;
    }

    /**
     * Stores the chunks with their vectors, computed before the upload's transaction; a large upload's vectors
     * are computed after it is stored, in the background.
     */
    private Knowledge.Version upload(String tenant, String format, String text, List<Knowledge.Chunk> chunks) {
        Knowledge.check(format, text, chunks);
        Knowledge.Vectors v = vectors == null ? null : vectors.of(chunks);
        Knowledge.Version stored = store.knowledge().upload(tenant, format, text, chunks, v);
        if (vectors != null && v == null) {
            vectors.embedLater(tenant, stored.version());
        }
        answerer.forget(tenant);
        return stored;
    }

    /**
     * Decides on one message and records the decision.
     *
     * @param deferred the message waited for opening time and is due now
     */
    public Outcome handle(TenantSettings s, Inbound m, boolean deferred) {
        boolean group = m.chatId().endsWith("@g.us");
        String phone = group ? null : m.chatId().substring(0, m.chatId().indexOf('@'));
        YearMonth month = YearMonth.from(m.at().atZone(s.timezone()));
        if (!deferred && writesAgainWithin(s, m)) {
            return leftToTheNextMessage(m, phone, month);
        }
        long started = System.nanoTime();
        TurnContext ctx = store.turns()
                .context(
                        m.session(),
                        m.waMessageId(),
                        m.tenant(),
                        m.chatId(),
                        phone,
                        s.rateLimit().window(),
                        month,
                        RECENT_MESSAGES,
                        !s.debounce().isZero());
        var customer = ctx.customer();
        var context = new Answerer.CustomerContext(
                customer.map(c -> c.pushName()).orElse(m.pushName()),
                (int) customer.map(c -> c.messageCount()).orElse(0L).longValue(),
                customer.map(c -> c.summary()).orElse(null),
                withinBudget(ctx.recentMessages()));
        Turn turn = new Turn(
                m.tenant(),
                "active".equals(ctx.tenantStatus()),
                s,
                m.chatId(),
                phone,
                group,
                m.text(),
                ctx.burst(),
                m.at(),
                new Turn.CustomerState(
                        customer.map(c -> c.optedOut()).orElse(false),
                        ctx.messagesInWindow(),
                        customer.map(c -> c.rateNoticeAt()).orElse(null),
                        context),
                new Turn.ChatState(
                        ctx.pausedUntil(), ctx.quietNoticeNight(), ctx.lastEscalationAt(), ctx.quotaNoticeOn()),
                new Turn.MonthState(ctx.monthAnswers(), ctx.monthAlertSent(), ctx.monthLimitNoticed()),
                deferred);
        long pipelineStarted = System.nanoTime();
        Decision d = pipeline.decide(turn);
        var reply = d.reply();
        var changes = d.changes();
        var record = recordOf(m, phone, month, d);
        Optional<Long> recorded = store.turns().record(record);
        boolean repeated = recorded.isEmpty();
        var messages = new ArrayList<Outgoing>();
        var events = new ArrayList<Event>();
        if (reply != null) {
            messages.add(new Outgoing(m.chatId(), reply.text(), reply.kind()));
        }
        if (!repeated) {
            long escalationId = recorded.get();
            if (escalationId > 0) {
                String who = (context.pushName() == null ? "" : context.pushName() + " ") + "+" + phone;
                String note = "%s: a customer needs a person.\nCustomer: %s\nReason: %s\nThey wrote: %s"
                        .formatted(
                                s.businessName(),
                                group ? m.chatId() : who,
                                d.escalation().reason().code(),
                                d.escalation().summary());
                for (var contact : topContacts(s)) {
                    messages.add(new Outgoing(contact.phone() + "@c.us", note, ReplyKind.TEMPLATE));
                }
                var payload = new LinkedHashMap<String, Object>();
                payload.put("id", escalationId);
                payload.put("tenant", m.tenant());
                payload.put("session", m.session());
                payload.put("chatId", m.chatId());
                payload.put("reason", d.escalation().reason().code());
                payload.put("summary", d.escalation().summary());
                events.add(new Event("assistant.escalation", payload));
            }
            if (changes.quotaAlert() != QuotaAlert.NONE) {
                boolean reached = changes.quotaAlert() == QuotaAlert.REACHED;
                long used = ctx.monthAnswers() + (record.countsAsAnswer() ? 1 : 0);
                var payload = new LinkedHashMap<String, Object>();
                payload.put("tenant", m.tenant());
                payload.put("month", month.toString());
                payload.put("level", reached ? 100 : 80);
                payload.put("used", used);
                payload.put("quota", s.quota().monthlyMessages());
                events.add(new Event("quota.alert", payload));
                String text = reached
                        ? "%s: the assistant's monthly quota of %d answers is used up; customers now get the quota template."
                                .formatted(s.businessName(), s.quota().monthlyMessages())
                        : "%s: the assistant has used %d of its %d answers this month."
                                .formatted(s.businessName(), used, s.quota().monthlyMessages());
                topContacts(s).stream()
                        .findFirst()
                        .ifPresent(c -> messages.add(new Outgoing(c.phone() + "@c.us", text, ReplyKind.TEMPLATE)));
            }
            metrics.decided(d, System.nanoTime() - pipelineStarted, System.nanoTime() - started);
            long count = customer.map(c -> c.messageCount()).orElse(0L) + 1;
            if (phone != null && count % SUMMARY_EVERY == 0) {
                refreshSummary(m, phone, ctx);
            }
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "session {} chat {}: {} ({}){}",
                    m.session(),
                    Texts.mask(m.chatId()),
                    d.step().code(),
                    reply == null ? "silent" : reply.kind().code(),
                    repeated ? ", decided before" : "");
        }
        return new Outcome(d, List.copyOf(messages), List.copyOf(events), repeated);
    }

    /**
     * With a debounce pause, waits until the pause after this message has passed, then says whether the
     * customer wrote again meanwhile: people write in bursts, and the last message of a burst answers them
     * all. A stop or start is never held back.
     */
    private boolean writesAgainWithin(TenantSettings s, Inbound m) {
        if (s.debounce().isZero()) {
            return false;
        }
        String normalized = Texts.normalize(m.text());
        if (Intent.OPT_OUT.matches(normalized) || Intent.OPT_IN.matches(normalized)) {
            return false;
        }
        long waitMs =
                Math.min(s.debounce().toMillis(), m.at().plus(s.debounce()).toEpochMilli() - clock.millis());
        if (waitMs > 0) {
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return store.turns().newerInbound(m.session(), m.chatId(), m.waMessageId());
    }

    /** Records that a message is answered together with the customer's next one. */
    private Outcome leftToTheNextMessage(Inbound m, String phone, YearMonth month) {
        Decision d = new Decision(Decision.Step.DEBOUNCED, null, null, Decision.Changes.NONE);
        var record = recordOf(m, phone, month, d);
        boolean repeated = store.turns().record(record).isEmpty();
        if (!repeated) {
            metrics.decided(d, 0, 0);
        }
        return new Outcome(d, List.of(), List.of(), repeated);
    }

    /**
     * Deletes, for every tenant with settings, the messages older than its retention; returns how many
     * messages were deleted. A tenant whose cleanup fails is left for the next run.
     */
    public long applyRetention() {
        long deleted = 0;
        for (String tenant : store.retention().tenantsWithSettings()) {
            try {
                var s = settings(tenant);
                if (s.isPresent()) {
                    var d = store.retention()
                            .apply(tenant, Duration.ofDays(s.get().retentionDays()));
                    deleted += d.messages();
                    if (d.messages() + d.escalations() > 0) {
                        log.info(
                                "tenant {}: retention of {} days deleted {} messages and {} resolved escalations",
                                tenant,
                                s.get().retentionDays(),
                                d.messages(),
                                d.escalations());
                    }
                }
            } catch (RuntimeException e) {
                log.warn("tenant {}: retention cleanup failed; next run tomorrow", tenant, e);
            }
        }
        return deleted;
    }

    /** An extractive summary of what the customer asked in the chat's recent messages and this one. */
    private void refreshSummary(Inbound m, String phone, TurnContext ctx) {
        var asked = new ArrayList<String>();
        for (String line : ctx.recentMessages()) {
            if (line.startsWith(CUSTOMER_PREFIX)) {
                asked.add(line.substring(CUSTOMER_PREFIX.length()));
            }
        }
        asked.add(m.text());
        String summary = Summaries.extractive(asked);
        if (summary != null) {
            try {
                store.customers().setSummary(m.tenant(), phone, summary);
            } catch (RuntimeException e) {
                log.warn("session {}: the customer's summary was not saved; next time", m.session(), e);
            }
        }
    }

    /** The decision on a message and the state it changes, as the store writes them. */
    private static TurnRecord recordOf(Inbound m, String phone, YearMonth month, Decision d) {
        var reply = d.reply();
        var answer = reply == null ? null : reply.answer();
        var changes = d.changes();
        return new TurnRecord(
                m.session(),
                m.waMessageId(),
                m.tenant(),
                m.chatId(),
                phone,
                m.pushName(),
                reply == null ? null : reply.language().code(),
                m.at(),
                month,
                d.step().code(),
                reply == null ? null : reply.kind().code(),
                changes.optedOut(),
                changes.rateNoticeAt(),
                changes.quietNight(),
                changes.quotaNoticeOn(),
                reply != null && reply.countsAsAnswer(),
                answer == null ? 0 : answer.tokensIn(),
                answer == null ? 0 : answer.tokensOut(),
                answer == null ? 0 : answer.costUsd(),
                changes.quotaAlert() == QuotaAlert.EIGHTY_PERCENT,
                changes.quotaAlert() == QuotaAlert.REACHED,
                d.escalation() == null
                        ? null
                        : new TurnRecord.NewEscalation(
                                d.escalation().reason().code(),
                                d.escalation().summary(),
                                d.escalation().tellContacts()),
                changes.deferUntil());
    }

    /** A person from the business wrote in the chat: the assistant keeps quiet there for a while. */
    public void humanWrote(String tenant, String chatId) {
        var s = settings(tenant);
        if (s.isEmpty() || s.get().takeoverPause().isZero()) {
            return;
        }
        store.turns().pause(tenant, chatId, clock.instant().plus(s.get().takeoverPause()));
    }

    private static List<TenantSettings.Escalation.Contact> topContacts(TenantSettings s) {
        var contacts = s.escalation().contacts();
        if (contacts.isEmpty()) {
            return List.of();
        }
        int top = contacts.get(0).priority();
        return contacts.stream().filter(c -> c.priority() == top).toList();
    }

    /** The last messages, newest kept, within the context budget. */
    static List<String> withinBudget(List<String> recent) {
        var out = new ArrayList<String>();
        int used = 0;
        for (int i = recent.size() - 1; i >= 0; i--) {
            String line = recent.get(i);
            if (used + line.length() > CONTEXT_CHARS) {
                break;
            }
            used += line.length();
            out.add(0, line);
        }
        return List.copyOf(out);
    }

    /** Micrometer meters of the assistant. */
    private static final class AssistantMetrics {
        private final MeterRegistry registry;
        private final Timer pipelineTimer;
        private final Timer answerTimer;

        AssistantMetrics(MeterRegistry registry) {
            this.registry = registry;
            this.pipelineTimer = Timer.builder("wagw.assistant.pipeline.latency")
                    .description("time the pipeline took to decide on a message, the answerer included")
                    .publishPercentileHistogram()
                    .register(registry);
            this.answerTimer = Timer.builder("wagw.assistant.turn.latency")
                    .description("time from reading the state to the recorded decision")
                    .publishPercentileHistogram()
                    .register(registry);
        }

        void decided(Decision d, long pipelineNanos, long totalNanos) {
            pipelineTimer.record(Duration.ofNanos(pipelineNanos));
            answerTimer.record(Duration.ofNanos(totalNanos));
            Counter.builder("wagw.assistant.decisions")
                    .tag("step", d.step().code())
                    .tag("kind", d.reply() == null ? "silent" : d.reply().kind().code())
                    .register(registry)
                    .increment();
            if (d.escalation() != null) {
                Counter.builder("wagw.assistant.escalations")
                        .tag("reason", d.escalation().reason().code())
                        .register(registry)
                        .increment();
            }
            if (d.changes().quotaAlert() != QuotaAlert.NONE) {
                Counter.builder("wagw.assistant.quota.alerts")
                        .description("tenants that reached 80 % or 100 % of their monthly quota")
                        .tag("level", d.changes().quotaAlert() == QuotaAlert.REACHED ? "100" : "80")
                        .register(registry)
                        .increment();
            }
            if (d.step() == Decision.Step.QUOTA) {
                Counter.builder("wagw.assistant.quota.limited")
                        .description("messages not answered because the tenant's quota is used up")
                        .register(registry)
                        .increment();
            }
            if (d.step() == Decision.Step.FALLBACK) {
                Counter.builder("wagw.assistant.fallbacks").register(registry).increment();
            }
            var a = d.reply() == null ? null : d.reply().answer();
            if (a != null && (a.tokensIn() > 0 || a.tokensOut() > 0)) {
                Counter.builder("wagw.assistant.tokens")
                        .tag("direction", "in")
                        .register(registry)
                        .increment(a.tokensIn());
                Counter.builder("wagw.assistant.tokens")
                        .tag("direction", "out")
                        .register(registry)
                        .increment(a.tokensOut());
                Counter.builder("wagw.assistant.cost.usd").register(registry).increment(a.costUsd());
            }
        }
    }
}
