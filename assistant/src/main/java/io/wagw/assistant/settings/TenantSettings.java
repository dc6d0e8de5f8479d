package io.wagw.assistant.settings;

import io.wagw.assistant.model.ProviderKind;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * How one business wants its assistant to behave. Built by {@link SettingsCodec}, which validates every
 * field; a tenant that never saved settings gets {@link #defaults(String)}.
 *
 * @param languages     the languages the business answers in, the first one is its default
 * @param ignoreNumbers phone numbers (digits) the assistant never answers: staff, family, suppliers
 * @param groups        whether the assistant answers in group chats
 * @param debounce      messages of one customer arriving within this pause are answered together
 * @param retentionDays messages older than this are deleted
 * @param model         the tenant's own language model provider, or null for the node's ({@code GW_LLM_*}),
 *                      if any; without either the assistant answers from the knowledge without a model
 */
public record TenantSettings(
        String businessName,
        ZoneId timezone,
        List<Language> languages,
        Tone tone,
        Templates templates,
        QuietHours quietHours,
        Escalation escalation,
        Duration takeoverPause,
        Quota quota,
        RateRule rateLimit,
        int retentionDays,
        boolean groups,
        Set<String> ignoreNumbers,
        Duration debounce,
        List<QuickReply> quickReplies,
        int maxReplyChars,
        ModelProvider model) {

    public enum Tone {
        FRIENDLY,
        FORMAL,
        BRIEF
    }

    /**
     * When the business is closed, in its timezone. {@code from} after {@code to} spans midnight; a day in
     * {@code days} is the day the quiet period starts.
     */
    public record QuietHours(boolean enabled, Set<DayOfWeek> days, LocalTime from, LocalTime to, Behaviour behaviour) {
        public enum Behaviour {
            /** answered at opening time */
            QUEUE,
            /** the quiet-hours template, once per chat per night */
            TEMPLATE,
            /** answered as usual */
            ANSWER
        }

        public static QuietHours off() {
            return new QuietHours(
                    false, Set.of(DayOfWeek.values()), LocalTime.of(21, 0), LocalTime.of(9, 0), Behaviour.TEMPLATE);
        }
    }

    /** Who is told when a customer needs a person, by priority (1 first). */
    public record Escalation(List<Contact> contacts, Duration cooldown) {
        public record Contact(String name, String phone, int priority) {}
    }

    /** A monthly cap on the assistant's answers and what happens when it is reached. */
    public record Quota(long monthlyMessages, AtLimit atLimit) {
        public enum AtLimit {
            TEMPLATE,
            SILENT
        }

        /** @return whether a cap is set (0 means unlimited) */
        public boolean limited() {
            return monthlyMessages > 0;
        }
    }

    /** At most {@code messages} from one customer within {@code window}; 0 messages means no limit. */
    public record RateRule(int messages, Duration window) {}

    /**
     * A tenant's own shortcut: a message containing one of the pattern's phrases (separated by {@code |},
     * compared without case and punctuation) gets the reply, before any model.
     */
    public record QuickReply(String pattern, String reply) {}

    /**
     * The tenant's own provider. Its API key is never kept in the clear: {@code apiKey} holds a key just sent
     * through the API until the assistant seals it; the stored settings hold only {@code sealedKey}, the key
     * encrypted with the cluster's master key.
     *
     * @param baseUrl    the endpoint, null for the provider's public one
     * @param cheapModel the model for short and simple messages, null for the main one
     */
    public record ModelProvider(
            ProviderKind kind, String baseUrl, String mainModel, String cheapModel, String apiKey, String sealedKey) {
        public ModelProvider withSealedKey(String sealedText) {
            return new ModelProvider(kind, baseUrl, mainModel, cheapModel, null, sealedText);
        }

        /** Never shows the key. */
        @Override
        public String toString() {
            return "ModelProvider[kind=%s, baseUrl=%s, mainModel=%s, cheapModel=%s, keySet=%s]"
                    .formatted(kind, baseUrl, mainModel, cheapModel, apiKey != null || sealedKey != null);
        }
    }

    public Language defaultLanguage() {
        return languages.get(0);
    }

    public static TenantSettings defaults(String businessName) {
        return new TenantSettings(
                businessName,
                ZoneId.of("UTC"),
                List.of(Language.RU, Language.KK, Language.EN),
                Tone.FRIENDLY,
                Templates.defaults(),
                QuietHours.off(),
                new Escalation(List.of(), Duration.ofMinutes(60)),
                Duration.ofMinutes(30),
                new Quota(0, Quota.AtLimit.TEMPLATE),
                new RateRule(10, Duration.ofMinutes(1)),
                90,
                false,
                Set.of(),
                Duration.ZERO,
                List.of(),
                1000,
                null);
    }
}
