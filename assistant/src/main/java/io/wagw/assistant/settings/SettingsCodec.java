package io.wagw.assistant.settings;

import io.wagw.assistant.model.ProviderKind;
import io.wagw.assistant.settings.TenantSettings.Escalation;
import io.wagw.assistant.settings.TenantSettings.ModelProvider;
import io.wagw.assistant.settings.TenantSettings.QuickReply;
import io.wagw.assistant.settings.TenantSettings.QuietHours;
import io.wagw.assistant.settings.TenantSettings.Quota;
import io.wagw.assistant.settings.TenantSettings.RateRule;
import io.wagw.assistant.settings.TenantSettings.Tone;
import io.wagw.store.StoreException;
import io.wagw.store.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Settings as JSON-shaped maps (the API's body and the stored column) ↔ {@link TenantSettings}. Every field
 * is checked; a bad one is rejected with {@link StoreException.InvalidInput} naming it by its path (for
 * example {@code quietHours.from} or {@code escalation.contacts[1].phone}). Missing fields take their
 * defaults, unknown ones are refused so that a typo does not silently do nothing.
 */
public final class SettingsCodec {
    private static final Pattern PHONE = Pattern.compile("[1-9][0-9]{7,14}");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final int MAX_TEMPLATE_CHARS = 1_000;
    private static final int MAX_QUICK_REPLIES = 100;
    private static final int MAX_IGNORED = 1_000;
    private static final int MAX_CONTACTS = 10;
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    /** The settings' top-level fields. */
    public static final List<String> FIELDS = List.of(
            "businessName",
            "timezone",
            "languages",
            "tone",
            "templates",
            "quietHours",
            "escalation",
            "takeoverPauseMinutes",
            "quota",
            "rateLimit",
            "retentionDays",
            "groups",
            "ignoreNumbers",
            "debounceMs",
            "quickReplies",
            "maxReplyChars",
            "model");

    /** The fields of the {@code model} section. {@code apiKeySealed} is the server's, never taken from a client. */
    public static final List<String> MODEL_FIELDS =
            List.of("provider", "baseUrl", "apiKey", "apiKeySealed", "mainModel", "cheapModel");

    private SettingsCodec() {}

    /** Reads settings; {@code businessName} defaults to the tenant's display name. */
    public static TenantSettings fromMap(Map<String, ?> in, String tenantDisplayName) {
        var d = TenantSettings.defaults(tenantDisplayName);
        var m = new Fields(in, "");
        m.allowOnly(FIELDS.toArray(String[]::new));
        String name = m.has("businessName")
                ? Validation.singleLine("businessName", m.string("businessName", 1, 100))
                : d.businessName();
        ZoneId zone = m.has("timezone") ? zone(m.string("timezone", 1, 64)) : d.timezone();
        List<Language> languages = m.has("languages") ? languages(m.list("languages", 1, 3)) : d.languages();
        Tone tone = m.has("tone") ? m.oneOf("tone", Tone.class) : d.tone();
        Templates templates = m.has("templates") ? templates(m.object("templates")) : d.templates();
        QuietHours quiet = m.has("quietHours") ? quietHours(m.object("quietHours")) : d.quietHours();
        Escalation escalation = m.has("escalation") ? escalation(m.object("escalation")) : d.escalation();
        Duration pause = m.has("takeoverPauseMinutes")
                ? Duration.ofMinutes(m.integer("takeoverPauseMinutes", 0, 7 * 24 * 60))
                : d.takeoverPause();
        Quota quota = m.has("quota") ? quota(m.object("quota")) : d.quota();
        RateRule rate = m.has("rateLimit") ? rate(m.object("rateLimit")) : d.rateLimit();
        int retention = m.has("retentionDays") ? (int) m.integer("retentionDays", 1, 3650) : d.retentionDays();
        boolean groups = m.has("groups") ? m.bool("groups") : d.groups();
        Set<String> ignore = m.has("ignoreNumbers") ? phones(m, "ignoreNumbers") : d.ignoreNumbers();
        Duration debounce = m.has("debounceMs") ? Duration.ofMillis(m.integer("debounceMs", 0, 60_000)) : d.debounce();
        List<QuickReply> quick = m.has("quickReplies") ? quickReplies(m) : d.quickReplies();
        int maxChars = m.has("maxReplyChars") ? (int) m.integer("maxReplyChars", 100, 4_000) : d.maxReplyChars();
        ModelProvider model = m.has("model") ? model(m.object("model")) : d.model();
        return new TenantSettings(
                name,
                zone,
                languages,
                tone,
                templates,
                quiet,
                escalation,
                pause,
                quota,
                rate,
                retention,
                groups,
                ignore,
                debounce,
                quick,
                maxChars,
                model);
    }

    /**
     * The settings as the API shows them: like {@link #toMap}, but the model provider's key only as
     * {@code "apiKeySet": true|false}.
     */
    public static Map<String, Object> toApiMap(TenantSettings s) {
        var out = toMap(s);
        if (s.model() != null) {
            var model = new LinkedHashMap<String, Object>(modelMap(s.model()));
            model.remove("apiKeySealed");
            model.put("apiKeySet", s.model().sealedKey() != null || s.model().apiKey() != null);
            out.put("model", model);
        }
        return out;
    }

    /** The settings as the store keeps them: a model provider's key only sealed, never in the clear. */
    public static Map<String, Object> toMap(TenantSettings s) {
        var out = new LinkedHashMap<String, Object>();
        out.put("businessName", s.businessName());
        out.put("timezone", s.timezone().getId());
        out.put("languages", s.languages().stream().map(Language::code).toList());
        out.put("tone", lower(s.tone()));
        var templates = new LinkedHashMap<String, Object>();
        s.templates().own().forEach((kind, texts) -> {
            var byLang = new TreeMap<String, Object>();
            texts.forEach((l, t) -> byLang.put(l.code(), t));
            templates.put(kind.key(), byLang);
        });
        out.put("templates", templates);
        var q = s.quietHours();
        out.put(
                "quietHours",
                Map.of(
                        "enabled", q.enabled(),
                        "days",
                                q.days().stream()
                                        .sorted()
                                        .map(day -> DAYS.get(day.getValue() - 1))
                                        .toList(),
                        "from", HH_MM.format(q.from()),
                        "to", HH_MM.format(q.to()),
                        "behaviour", lower(q.behaviour())));
        out.put(
                "escalation",
                Map.of(
                        "contacts",
                        s.escalation().contacts().stream()
                                .map(c -> Map.of("name", c.name(), "phone", c.phone(), "priority", c.priority()))
                                .toList(),
                        "cooldownMinutes",
                        s.escalation().cooldown().toMinutes()));
        out.put("takeoverPauseMinutes", s.takeoverPause().toMinutes());
        out.put(
                "quota",
                Map.of(
                        "monthlyMessages",
                        s.quota().monthlyMessages(),
                        "atLimit",
                        lower(s.quota().atLimit())));
        out.put(
                "rateLimit",
                Map.of(
                        "messages",
                        s.rateLimit().messages(),
                        "windowSeconds",
                        s.rateLimit().window().toSeconds()));
        out.put("retentionDays", s.retentionDays());
        out.put("groups", s.groups());
        out.put("ignoreNumbers", s.ignoreNumbers().stream().sorted().toList());
        out.put("debounceMs", s.debounce().toMillis());
        out.put(
                "quickReplies",
                s.quickReplies().stream()
                        .map(r -> Map.of("pattern", r.pattern(), "reply", r.reply()))
                        .toList());
        out.put("maxReplyChars", s.maxReplyChars());
        if (s.model() != null) {
            out.put("model", modelMap(s.model()));
        }
        return out;
    }

    private static Map<String, Object> modelMap(ModelProvider p) {
        var model = new LinkedHashMap<String, Object>();
        model.put("provider", p.kind().code());
        if (p.baseUrl() != null) {
            model.put("baseUrl", p.baseUrl());
        }
        model.put("mainModel", p.mainModel());
        if (p.cheapModel() != null) {
            model.put("cheapModel", p.cheapModel());
        }
        if (p.sealedKey() != null) {
            model.put("apiKeySealed", p.sealedKey());
        }
        return model;
    }

    private static ModelProvider model(Fields m) {
        m.allowOnly(MODEL_FIELDS.toArray(String[]::new));
        if (!m.has("provider")) {
            throw invalid(m.path("provider"), m.path("provider") + " is required: one of " + ProviderKind.codes());
        }
        Object rawKind = m.raw("provider");
        ProviderKind kind = (rawKind instanceof String code ? ProviderKind.of(code) : Optional.<ProviderKind>empty())
                .orElseThrow(() ->
                        invalid(m.path("provider"), m.path("provider") + " must be one of " + ProviderKind.codes()));
        String baseUrl = m.has("baseUrl") ? baseUrl(m.path("baseUrl"), m.string("baseUrl", 1, 500)) : null;
        if (!m.has("mainModel")) {
            throw invalid(m.path("mainModel"), m.path("mainModel") + " is required: the model's name at the provider");
        }
        String main = Validation.singleLine(m.path("mainModel"), m.string("mainModel", 1, 100));
        String cheap = m.has("cheapModel")
                ? Validation.singleLine(m.path("cheapModel"), m.string("cheapModel", 1, 100))
                : null;
        String key = null;
        if (m.has("apiKey")) {
            key = m.string("apiKey", 1, 500);
            if (!key.chars().allMatch(c -> c > 32 && c < 127)) {
                throw invalid(m.path("apiKey"), m.path("apiKey") + " must be printable ASCII without spaces");
            }
        }
        String sealedText = m.has("apiKeySealed") ? m.string("apiKeySealed", 1, 2_000) : null;
        return new ModelProvider(kind, baseUrl, main, cheap, key, sealedText);
    }

    private static String baseUrl(String field, String value) {
        try {
            var u = new URI(value);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw invalid(field, field + " must be an http:// or https:// URL with a host");
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw invalid("timezone", "timezone must be an IANA zone such as Asia/Almaty, not '%s'".formatted(id));
        }
    }

    private static List<Language> languages(List<?> in) {
        var out = new ArrayList<Language>();
        for (int i = 0; i < in.size(); i++) {
            String field = "languages[" + i + "]";
            Language l = in.get(i) instanceof String s ? Language.fromCode(s).orElse(null) : null;
            if (l == null) {
                throw invalid(field, field + " must be one of ru, kk, en");
            }
            if (out.contains(l)) {
                throw invalid(field, field + " repeats '" + l.code() + "'");
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    private static Templates templates(Fields m) {
        var own = new EnumMap<TemplateKind, Map<Language, String>>(TemplateKind.class);
        for (String key : m.keys()) {
            String field = m.path(key);
            TemplateKind kind = TemplateKind.fromKey(key)
                    .orElseThrow(() -> invalid(
                            field,
                            "unknown template '%s'; known: %s"
                                    .formatted(
                                            key,
                                            String.join(
                                                    ", ",
                                                    Arrays.stream(TemplateKind.values())
                                                            .map(TemplateKind::key)
                                                            .toList()))));
            Object v = m.raw(key);
            var texts = new EnumMap<Language, String>(Language.class);
            if (v instanceof String s) {
                String text = templateText(field, s);
                for (Language l : Language.values()) {
                    texts.put(l, text);
                }
            } else if (v instanceof Map<?, ?> byLang) {
                var f = m.object(key);
                for (String code : f.keys()) {
                    String lf = f.path(code);
                    Language l = Language.fromCode(code)
                            .orElseThrow(() -> invalid(lf, lf + " must be keyed by ru, kk or en"));
                    texts.put(l, templateText(lf, f.string(code, 1, MAX_TEMPLATE_CHARS)));
                }
                if (byLang.isEmpty()) {
                    throw invalid(field, field + " must not be empty");
                }
            } else {
                throw invalid(field, field + " must be a text or an object of texts keyed by ru, kk, en");
            }
            own.put(kind, texts);
        }
        return new Templates(own);
    }

    private static String templateText(String field, String s) {
        if (s.isBlank() || s.length() > MAX_TEMPLATE_CHARS) {
            throw invalid(field, field + " must be 1 to " + MAX_TEMPLATE_CHARS + " characters");
        }
        return Validation.multiLine(field, s);
    }

    private static QuietHours quietHours(Fields m) {
        m.allowOnly("enabled", "days", "from", "to", "behaviour");
        var d = QuietHours.off();
        Set<DayOfWeek> days = d.days();
        if (m.has("days")) {
            var list = m.list("days", 1, 7);
            var parsed = EnumSet.noneOf(DayOfWeek.class);
            for (int i = 0; i < list.size(); i++) {
                String f = m.path("days") + "[" + i + "]";
                int idx = list.get(i) instanceof String s ? DAYS.indexOf(s) : -1;
                if (idx < 0) {
                    throw invalid(f, f + " must be one of " + String.join(", ", DAYS));
                }
                parsed.add(DayOfWeek.of(idx + 1));
            }
            days = Set.copyOf(parsed);
        }
        LocalTime from = m.has("from") ? time(m, "from") : d.from();
        LocalTime to = m.has("to") ? time(m, "to") : d.to();
        if (from.equals(to)) {
            throw invalid(m.path("to"), m.path("to") + " must differ from " + m.path("from"));
        }
        return new QuietHours(
                m.has("enabled") ? m.bool("enabled") : true,
                days,
                from,
                to,
                m.has("behaviour") ? m.oneOf("behaviour", QuietHours.Behaviour.class) : d.behaviour());
    }

    private static LocalTime time(Fields m, String key) {
        String s = m.string(key, 5, 5);
        try {
            return LocalTime.parse(s, HH_MM);
        } catch (DateTimeParseException e) {
            throw invalid(m.path(key), m.path(key) + " must be a time as HH:mm, not '" + s + "'");
        }
    }

    private static Escalation escalation(Fields m) {
        m.allowOnly("contacts", "cooldownMinutes");
        var contacts = new ArrayList<Escalation.Contact>();
        if (m.has("contacts")) {
            List<?> list = m.list("contacts", 0, MAX_CONTACTS);
            for (int i = 0; i < list.size(); i++) {
                var c = m.element("contacts", i);
                c.allowOnly("name", "phone", "priority");
                String name = Validation.singleLine(c.path("name"), c.string("name", 1, 100));
                String phone = phone(c.path("phone"), c.string("phone", 1, 20));
                int priority = c.has("priority") ? (int) c.integer("priority", 1, 100) : i + 1;
                contacts.add(new Escalation.Contact(name, phone, priority));
            }
        }
        contacts.sort(Comparator.comparingInt(Escalation.Contact::priority));
        Duration cooldown = m.has("cooldownMinutes")
                ? Duration.ofMinutes(m.integer("cooldownMinutes", 0, 7 * 24 * 60))
                : Duration.ofMinutes(60);
        return new Escalation(List.copyOf(contacts), cooldown);
    }

    private static Quota quota(Fields m) {
        m.allowOnly("monthlyMessages", "atLimit");
        return new Quota(
                m.has("monthlyMessages") ? m.integer("monthlyMessages", 0, 10_000_000) : 0,
                m.has("atLimit") ? m.oneOf("atLimit", Quota.AtLimit.class) : Quota.AtLimit.TEMPLATE);
    }

    private static RateRule rate(Fields m) {
        m.allowOnly("messages", "windowSeconds");
        return new RateRule(
                m.has("messages") ? (int) m.integer("messages", 0, 10_000) : 10,
                Duration.ofSeconds(m.has("windowSeconds") ? m.integer("windowSeconds", 1, 86_400) : 60));
    }

    private static Set<String> phones(Fields m, String key) {
        List<?> list = m.list(key, 0, MAX_IGNORED);
        var out = new LinkedHashSet<String>();
        for (int i = 0; i < list.size(); i++) {
            String f = m.path(key) + "[" + i + "]";
            if (!(list.get(i) instanceof String s)) {
                throw invalid(f, f + " must be a phone number as digits");
            }
            out.add(phone(f, s));
        }
        return Set.copyOf(out);
    }

    private static String phone(String field, String s) {
        String digits = s.startsWith("+") ? s.substring(1) : s;
        if (!PHONE.matcher(digits).matches()) {
            throw invalid(field, field + " must be a phone number in international form, digits only (8 to 15)");
        }
        return digits;
    }

    private static List<QuickReply> quickReplies(Fields m) {
        List<?> list = m.list("quickReplies", 0, MAX_QUICK_REPLIES);
        var out = new ArrayList<QuickReply>();
        for (int i = 0; i < list.size(); i++) {
            var q = m.element("quickReplies", i);
            q.allowOnly("pattern", "reply");
            String pattern = Validation.singleLine(q.path("pattern"), q.string("pattern", 1, 500));
            if (pattern.replace("|", "").isBlank()) {
                throw invalid(q.path("pattern"), q.path("pattern") + " must hold at least one phrase");
            }
            out.add(new QuickReply(pattern, templateText(q.path("reply"), q.string("reply", 1, MAX_TEMPLATE_CHARS))));
        }
        return List.copyOf(out);
    }

    static StoreException.InvalidInput invalid(String field, String message) {
        return new StoreException.InvalidInput(field, message);
    }

    /** One JSON object being read, with the path of its fields for error messages. */
    private record Fields(Map<String, ?> map, String prefix) {
        Fields {
            if (map == null) {
                map = Map.of();
            }
        }

        String path(String key) {
            return prefix + key;
        }

        Set<String> keys() {
            return new TreeSet<>(map.keySet());
        }

        boolean has(String key) {
            return map.get(key) != null;
        }

        Object raw(String key) {
            return map.get(key);
        }

        void allowOnly(String... known) {
            var ok = Set.of(known);
            for (String k : keys()) {
                if (!ok.contains(k)) {
                    throw invalid(
                            path(k), "unknown field '%s'; known: %s".formatted(path(k), String.join(", ", known)));
                }
            }
        }

        String string(String key, int min, int max) {
            if (!(map.get(key) instanceof String s)) {
                throw invalid(path(key), path(key) + " must be a string");
            }
            if (s.length() < min || s.length() > max) {
                throw invalid(path(key), path(key) + " must be " + min + " to " + max + " characters");
            }
            return s;
        }

        long integer(String key, long min, long max) {
            Object v = map.get(key);
            if (!(v instanceof Integer || v instanceof Long)) {
                throw invalid(path(key), path(key) + " must be a whole number");
            }
            long n = ((Number) v).longValue();
            if (n < min || n > max) {
                throw invalid(path(key), path(key) + " must be between " + min + " and " + max);
            }
            return n;
        }

        boolean bool(String key) {
            if (!(map.get(key) instanceof Boolean b)) {
                throw invalid(path(key), path(key) + " must be true or false");
            }
            return b;
        }

        <E extends Enum<E>> E oneOf(String key, Class<E> type) {
            var names = Arrays.stream(type.getEnumConstants())
                    .map(SettingsCodec::lower)
                    .toList();
            Object v = map.get(key);
            if (v instanceof String s && names.contains(s)) {
                return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
            }
            throw invalid(path(key), path(key) + " must be one of " + String.join(", ", names));
        }

        List<?> list(String key, int min, int max) {
            if (!(map.get(key) instanceof List<?> l)) {
                throw invalid(path(key), path(key) + " must be a list");
            }
            if (l.size() < min || l.size() > max) {
                throw invalid(path(key), path(key) + " must hold " + min + " to " + max + " entries");
            }
            return l;
        }

        @SuppressWarnings("unchecked")
        Fields object(String key) {
            if (!(map.get(key) instanceof Map<?, ?> o)) {
                throw invalid(path(key), path(key) + " must be an object");
            }
            return new Fields((Map<String, ?>) o, path(key) + ".");
        }

        @SuppressWarnings("unchecked")
        Fields element(String key, int i) {
            String p = path(key) + "[" + i + "]";
            if (!(((List<?>) map.get(key)).get(i) instanceof Map<?, ?> o)) {
                throw invalid(p, p + " must be an object");
            }
            return new Fields((Map<String, ?>) o, p + ".");
        }
    }
}
