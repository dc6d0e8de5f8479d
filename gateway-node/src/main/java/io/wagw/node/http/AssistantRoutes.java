package io.wagw.node.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wagw.assistant.knowledge.Chunker.QaPair;
import io.wagw.assistant.settings.SettingsCodec;
import io.wagw.node.http.Blocking.Reply;
import io.wagw.store.assistant.Customer;
import io.wagw.store.assistant.Customers;
import io.wagw.store.assistant.Escalations.Escalation;
import io.wagw.store.assistant.Knowledge;
import io.wagw.store.assistant.Prompts.PromptVersion;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tenant's assistant: settings, prompt versions, knowledge, escalations, customers, and asking it. */
final class AssistantRoutes {
    /** Longest question {@code /assistant/ask} takes, like a WhatsApp text. */
    static final int MAX_ASK_CHARS = 65_536;

    private final NodeServices s;

    AssistantRoutes(NodeServices services) {
        this.s = services;
    }

    void mount(Router r) {
        r.get("/api/tenants/:slug/settings").handler(Blocking.handler(this::getSettings));
        r.put("/api/tenants/:slug/settings").handler(Blocking.handler(this::putSettings));
        r.get("/api/tenants/:slug/usage").handler(Blocking.handler(this::usage));
        r.get("/api/tenants/:slug/escalations").handler(Blocking.handler(this::listEscalations));
        r.post("/api/tenants/:slug/escalations/:id/resolve").handler(Blocking.handler(this::resolveEscalation));
        r.get("/api/tenants/:slug/customers/:phone").handler(Blocking.handler(this::getCustomer));
        r.get("/api/tenants/:slug/customers/:phone/export").handler(Blocking.handler(this::exportCustomer));
        r.delete("/api/tenants/:slug/customers/:phone").handler(Blocking.handler(this::forgetCustomer));
        r.post("/api/tenants/:slug/customers/:phone/notes").handler(Blocking.handler(this::addNote));
        r.get("/api/tenants/:slug/prompts").handler(Blocking.handler(this::listPrompts));
        r.post("/api/tenants/:slug/prompts").handler(Blocking.handler(this::createPrompt));
        r.post("/api/tenants/:slug/prompts/rollback").handler(Blocking.handler(this::rollbackPrompt));
        r.post("/api/tenants/:slug/prompts/:version/activate").handler(Blocking.handler(this::activatePrompt));
        r.get("/api/tenants/:slug/knowledge").handler(Blocking.handler(this::getKnowledge));
        r.put("/api/tenants/:slug/knowledge").handler(Blocking.handler(this::putKnowledge));
        r.get("/api/tenants/:slug/knowledge/versions").handler(Blocking.handler(this::listKnowledge));
        r.get("/api/tenants/:slug/knowledge/versions/:version").handler(Blocking.handler(this::getKnowledgeVersion));
        r.post("/api/tenants/:slug/knowledge/versions/:version/restore")
                .handler(Blocking.handler(this::restoreKnowledge));
        r.post("/api/tenants/:slug/assistant/ask").handler(Blocking.handler(this::ask));
    }

    private String tenant(RoutingContext ctx) {
        String slug = ctx.pathParam("slug");
        ApiAuth.caller(ctx).requireTenant(slug);
        return slug;
    }

    private Reply getSettings(RoutingContext ctx) {
        return Reply.json(200, new JsonObject(s.assistant().describeSettings(tenant(ctx))));
    }

    private Reply putSettings(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var body = RequestBody.of(ctx, SettingsCodec.FIELDS.toArray(String[]::new));
        return Reply.json(200, new JsonObject(s.assistant().saveSettings(tenant, body.fields())));
    }

    /**
     * Messages in and out and the assistant's answers, escalations, tokens and cost in a month (default: this
     * one); {@code assistant.models}: every language model call by provider and model, failed ones, the owner's
     * tries and answers from the cache included.
     */
    private Reply usage(RoutingContext ctx) {
        String tenant = tenant(ctx);
        String raw = ctx.queryParams().get("month");
        YearMonth month;
        try {
            month = raw == null ? YearMonth.now(ZoneOffset.UTC) : YearMonth.parse(raw);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("month", "month must be YYYY-MM, e.g. 2026-12");
        }
        var messages = s.store().usage().get(tenant, month);
        var assistant = s.store().turns().month(tenant, month);
        var settings = s.assistant().settings(tenant);
        long quota = settings.map(t -> t.quota().monthlyMessages()).orElse(0L);
        var a = new JsonObject()
                .put("answers", assistant.answers())
                .put("escalations", assistant.escalations())
                .put("tokensIn", assistant.tokensIn())
                .put("tokensOut", assistant.tokensOut())
                .put("costUsd", assistant.costUsd())
                .put("quota", quota)
                .put("quotaUsedPercent", quota == 0 ? null : Math.round(100.0 * assistant.answers() / quota));
        var models = new JsonArray();
        s.store()
                .modelUsage()
                .month(tenant, month)
                .forEach(m -> models.add(new JsonObject()
                        .put("provider", m.provider())
                        .put("model", m.model())
                        .put("calls", m.calls())
                        .put("failures", m.failures())
                        .put("cacheHits", m.cacheHits())
                        .put("tokensIn", m.tokensIn())
                        .put("tokensOut", m.tokensOut())
                        .put("costUsd", m.costUsd())));
        a.put("models", models);
        return Reply.json(
                200,
                new JsonObject()
                        .put("tenant", tenant)
                        .put("month", month.toString())
                        .put("messagesIn", messages.messagesIn())
                        .put("messagesOut", messages.messagesOut())
                        .put("assistant", a));
    }

    private Reply listEscalations(RoutingContext ctx) {
        String tenant = tenant(ctx);
        String status = ctx.queryParams().get("status");
        var out = new JsonArray();
        s.store()
                .escalations()
                .list(tenant, status, Params.limit(ctx, 100, 1000))
                .forEach(e -> out.add(escalation(e)));
        return Reply.json(200, out);
    }

    private Reply resolveEscalation(RoutingContext ctx) {
        String tenant = tenant(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "id must be an escalation's numeric id");
        }
        return Reply.json(200, escalation(s.store().escalations().resolve(tenant, id)));
    }

    private Reply getCustomer(RoutingContext ctx) {
        String tenant = tenant(ctx);
        return Reply.json(200, customer(s.store().customers().get(tenant, phone(ctx))));
    }

    private Reply exportCustomer(RoutingContext ctx) {
        String tenant = tenant(ctx);
        Map<String, Object> export = s.store().customers().export(tenant, phone(ctx));
        var out = new JsonObject(export);
        out.put("customer", customer((Customer) export.get("customer")));
        return Reply.json(200, out);
    }

    private Reply forgetCustomer(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var f = s.store().customers().forget(tenant, phone(ctx));
        return Reply.json(
                200,
                new JsonObject()
                        .put(
                                "deleted",
                                new JsonObject()
                                        .put("messages", f.messages())
                                        .put("escalations", f.escalations())
                                        .put("profile", f.profile())));
    }

    private Reply addNote(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var body = RequestBody.of(ctx, "text");
        return Reply.json(
                201, customer(s.store().customers().addNote(tenant, phone(ctx), body.requiredString("text"))));
    }

    private Reply listPrompts(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var out = new JsonArray();
        s.store().prompts().list(tenant).forEach(p -> out.add(prompt(p)));
        return Reply.json(200, out);
    }

    private Reply createPrompt(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var body = RequestBody.of(ctx, "systemPrompt", "model", "temperature");
        return Reply.json(
                201,
                prompt(s.assistant()
                        .createPrompt(
                                tenant,
                                body.requiredString("systemPrompt"),
                                body.requiredString("model"),
                                body.requiredNumber("temperature"))));
    }

    private Reply activatePrompt(RoutingContext ctx) {
        String tenant = tenant(ctx);
        int version = version(ctx, "a prompt version's");
        return Reply.json(200, prompt(s.assistant().activatePrompt(tenant, version)));
    }

    private Reply rollbackPrompt(RoutingContext ctx) {
        return Reply.json(200, prompt(s.assistant().rollbackPrompt(tenant(ctx))));
    }

    private Reply getKnowledge(RoutingContext ctx) {
        var current = s.store().knowledge().current(tenant(ctx));
        if (current.isEmpty()) {
            return Reply.json(
                    200,
                    new JsonObject()
                            .put("version", 0)
                            .put("format", null)
                            .put("text", null)
                            .put("createdAt", null)
                            .put("chunks", 0)
                            .put("chars", 0));
        }
        return Reply.json(
                200,
                knowledge(current.get().version()).put("text", current.get().text()));
    }

    private Reply putKnowledge(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var body = RequestBody.of(ctx, "format", "text", "items");
        String format = body.requiredString("format");
        Knowledge.Version v;
        switch (format) {
            case "markdown", "text" -> {
                if (body.has("items")) {
                    throw ApiError.badRequest(
                            "items", "items go with format qa; format %s takes text".formatted(format));
                }
                String text = body.requiredString("text");
                if (text.isBlank()) {
                    throw ApiError.badRequest("text", "text is required");
                }
                v = s.assistant().uploadKnowledge(tenant, format, text);
            }
            case "qa" -> {
                if (body.has("text")) {
                    throw ApiError.badRequest("text", "format qa takes items, not text");
                }
                JsonArray items = body.optionalArray("items");
                if (items == null || items.isEmpty()) {
                    throw ApiError.badRequest("items", "items is required: a list of {question, answer}");
                }
                var pairs = new ArrayList<QaPair>();
                var source = new JsonArray();
                for (int i = 0; i < items.size(); i++) {
                    String at = "items[" + i + "]";
                    if (!(items.getValue(i) instanceof JsonObject item)) {
                        throw ApiError.badRequest(at, at + " must be an object {question, answer}");
                    }
                    for (String key : item.fieldNames()) {
                        if (!key.equals("question") && !key.equals("answer")) {
                            throw ApiError.unknownField(
                                    at + "." + key,
                                    "unknown field '%s.%s'; accepted fields: question, answer".formatted(at, key));
                        }
                    }
                    String question = qaText(item, at, "question");
                    String answer = qaText(item, at, "answer");
                    pairs.add(new QaPair(question, answer));
                    source.add(new JsonObject().put("question", question).put("answer", answer));
                }
                v = s.assistant().uploadQa(tenant, pairs, source.encodePrettily());
            }
            default -> throw ApiError.badRequest("format", "format must be one of markdown, text, qa");
        }
        return Reply.json(200, knowledge(v));
    }

    private static String qaText(JsonObject item, String at, String key) {
        Object v = item.getValue(key);
        if (!(v instanceof String text) || text.isBlank()) {
            throw ApiError.badRequest(at + "." + key, "%s.%s must be a non-empty string".formatted(at, key));
        }
        return text;
    }

    private Reply listKnowledge(RoutingContext ctx) {
        var out = new JsonArray();
        s.store().knowledge().versions(tenant(ctx)).forEach(v -> out.add(knowledge(v)));
        return Reply.json(200, out);
    }

    /** One version with its text (the console compares versions). */
    private Reply getKnowledgeVersion(RoutingContext ctx) {
        String tenant = tenant(ctx);
        int version = version(ctx, "a knowledge version's");
        var found = s.store()
                .knowledge()
                .versionWithText(tenant, version)
                .orElseThrow(() -> ApiError.notFound("version", "no knowledge version %d".formatted(version)));
        return Reply.json(200, knowledge(found.version()).put("text", found.text()));
    }

    private Reply restoreKnowledge(RoutingContext ctx) {
        String tenant = tenant(ctx);
        int version = version(ctx, "a knowledge version's");
        return Reply.json(200, knowledge(s.assistant().restoreKnowledge(tenant, version)));
    }

    private Reply ask(RoutingContext ctx) {
        String tenant = tenant(ctx);
        var body = RequestBody.of(ctx, "text", "customer");
        String text = body.requiredString("text");
        if (text.isBlank()) {
            throw ApiError.badRequest("text", "text is required");
        }
        if (text.length() > MAX_ASK_CHARS) {
            throw ApiError.badRequest("text", "text must be at most %d characters".formatted(MAX_ASK_CHARS));
        }
        String customer = body.optionalString("customer");
        if (customer != null) {
            try {
                customer = Customers.phone(customer.startsWith("+") ? customer.substring(1) : customer);
            } catch (io.wagw.store.StoreException.InvalidInput e) {
                throw ApiError.badRequest("customer", e.getMessage().replaceFirst("^phone", "customer"));
            }
        }
        var d = s.assistant().ask(tenant, text, customer);
        var reply = d.reply();
        var answer = reply == null ? null : reply.answer();
        List<String> sources = answer == null ? List.of() : answer.sources();
        return Reply.json(
                200,
                new JsonObject()
                        .put("answer", reply == null ? null : reply.text())
                        .put("kind", reply == null ? null : reply.kind().code())
                        .put("confidence", answer == null ? null : answer.confidence())
                        .put("sources", new JsonArray(new ArrayList<Object>(sources)))
                        .put("escalate", d.escalation() != null)
                        .put("step", d.step().code()));
    }

    private static JsonObject knowledge(Knowledge.Version v) {
        return new JsonObject()
                .put("version", v.version())
                .put("format", v.format())
                .put("createdAt", v.createdAt().toString())
                .put("active", v.active())
                .put("chunks", v.chunks())
                .put("chars", v.chars());
    }

    private static JsonObject prompt(PromptVersion p) {
        var periods = new JsonArray();
        p.periods()
                .forEach(a -> periods.add(new JsonObject()
                        .put("from", a.from().toString())
                        .put("to", a.to() == null ? null : a.to().toString())));
        return new JsonObject()
                .put("version", p.version())
                .put("systemPrompt", p.systemPrompt())
                .put("model", p.model())
                .put("temperature", p.temperature())
                .put("createdAt", p.createdAt().toString())
                .put("active", p.active())
                .put("activePeriods", periods);
    }

    /** The path's {@code version}: a number from 1 (400 naming the field otherwise). */
    private static int version(RoutingContext ctx, String whose) {
        try {
            int version = Integer.parseInt(ctx.pathParam("version"));
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiError.badRequest("version", "version must be %s number".formatted(whose));
    }

    private static String phone(RoutingContext ctx) {
        String p = ctx.pathParam("phone");
        return Customers.phone(p.startsWith("+") ? p.substring(1) : p);
    }

    private static JsonObject customer(Customer c) {
        var notes = new JsonArray();
        c.notes().forEach(n -> notes.add(new JsonObject(n)));
        return new JsonObject()
                .put("phone", c.phone())
                .put("pushName", c.pushName())
                .put("language", c.language())
                .put("firstContactAt", c.firstContactAt().toString())
                .put("lastContactAt", c.lastContactAt().toString())
                .put("messageCount", c.messageCount())
                .put("optedOut", c.optedOut())
                .put("notes", notes)
                .put("summary", c.summary());
    }

    private static JsonObject escalation(Escalation e) {
        return new JsonObject()
                .put("id", e.id())
                .put("session", e.session())
                .put("chatId", e.chatId())
                .put("customerPhone", e.customerPhone())
                .put("reason", e.reason())
                .put("summary", e.summary())
                .put("status", e.status())
                .put("createdAt", e.createdAt().toString())
                .put(
                        "resolvedAt",
                        e.resolvedAt() == null ? null : e.resolvedAt().toString());
    }
}
