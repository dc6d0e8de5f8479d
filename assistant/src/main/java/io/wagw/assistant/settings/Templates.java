package io.wagw.assistant.settings;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The tenant's own wording of each template, per language, over built-in defaults. {@code {business}} in a
 * text is replaced by the business name.
 */
public record Templates(Map<TemplateKind, Map<Language, String>> own) {
    private static final Map<TemplateKind, Map<Language, String>> DEFAULTS = new EnumMap<>(TemplateKind.class);

    static {
        put(
                TemplateKind.GREETING,
                "Здравствуйте! Это {business}. Чем могу помочь?",
                "Сәлеметсіз бе! Бұл {business}. Қалай көмектесе аламын?",
                "Hello! This is {business}. How can I help you?");
        put(
                TemplateKind.THANKS,
                "Пожалуйста! Обращайтесь, если будут вопросы.",
                "Оқасы жоқ! Сұрақтарыңыз болса, жазыңыз.",
                "You're welcome! Write any time you have a question.");
        put(
                TemplateKind.FALLBACK,
                "Спасибо за сообщение! Я передал его администратору, вам ответят в ближайшее время.",
                "Хабарламаңызға рахмет! Мен оны әкімшіге жібердім, сізге жақын арада жауап береді.",
                "Thank you for your message! I have passed it to our staff; they will answer you shortly.");
        put(
                TemplateKind.QUIET_HOURS,
                "Спасибо за сообщение! Сейчас мы не работаем, ответим в рабочее время.",
                "Хабарламаңызға рахмет! Қазір біз жұмыс істемейміз, жұмыс уақытында жауап береміз.",
                "Thank you for your message! We are closed now and will answer during opening hours.");
        put(
                TemplateKind.QUOTA_REACHED,
                "Спасибо за сообщение! Администратор ответит вам в ближайшее время.",
                "Хабарламаңызға рахмет! Әкімші сізге жақын арада жауап береді.",
                "Thank you for your message! Our staff will answer you shortly.");
        put(
                TemplateKind.RATE_LIMITED,
                "Вы отправили много сообщений подряд. Пожалуйста, подождите немного, я отвечу.",
                "Сіз қатарынан көп хабарлама жібердіңіз. Сәл күте тұрыңыз, мен жауап беремін.",
                "You have sent many messages in a row. Please wait a little; I will answer.");
        put(
                TemplateKind.ESCALATION_ACK,
                "Я передал ваш вопрос администратору, с вами скоро свяжутся.",
                "Сұрағыңызды әкімшіге жібердім, сізбен жақын арада хабарласады.",
                "I have passed your request to our staff; someone will contact you soon.");
        put(
                TemplateKind.OPT_OUT_ACK,
                "Хорошо, я больше не буду писать. Чтобы снова получать ответы, напишите «старт».",
                "Жақсы, енді жазбаймын. Қайта жауап алу үшін «старт» деп жазыңыз.",
                "OK, I will not write any more. To get answers again, write \"start\".");
        put(
                TemplateKind.OPT_IN_ACK,
                "С возвращением! Чем могу помочь?",
                "Қайта оралуыңызбен! Қалай көмектесе аламын?",
                "Welcome back! How can I help you?");
    }

    private static void put(TemplateKind kind, String ru, String kk, String en) {
        DEFAULTS.put(kind, Map.of(Language.RU, ru, Language.KK, kk, Language.EN, en));
    }

    /** @param own the tenant's texts; a kind or language missing here falls back to the default */
    public Templates {
        var copy = new EnumMap<TemplateKind, Map<Language, String>>(TemplateKind.class);
        own.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        own = Collections.unmodifiableMap(copy);
    }

    public static Templates defaults() {
        return new Templates(Map.of());
    }

    /**
     * The text for a kind in a language: the tenant's text in that language, else the tenant's text in its
     * first language, else the default in that language.
     */
    public String text(TemplateKind kind, Language language, Language tenantDefault, String businessName) {
        Map<Language, String> mine = own.getOrDefault(kind, Map.of());
        String text = mine.get(language);
        if (text == null && !mine.isEmpty()) {
            text = mine.getOrDefault(tenantDefault, mine.values().iterator().next());
        }
        if (text == null) {
            text = DEFAULTS.get(kind).get(language);
        }
        return text.replace("{business}", businessName);
    }
}
