package io.wagw.assistant.policy;

import java.util.List;
import java.util.Optional;

/**
 * What a customer's message asks for before any knowledge is needed, recognised by words in Russian, Kazakh
 * and English. A whole-message intent (stop, start, hi, thanks) must be the message; the others may be part
 * of a longer one.
 */
public enum Intent {
    OPT_OUT(true, List.of("стоп", "stop", "отписаться", "unsubscribe", "тоқта", "тоқтат", "хватит писать")),
    OPT_IN(true, List.of("старт", "start", "подписаться", "бастау")),
    GREETING(
            true,
            List.of(
                    "привет",
                    "здравствуйте",
                    "здравствуй",
                    "добрый день",
                    "добрый вечер",
                    "доброе утро",
                    "салем",
                    "сәлем",
                    "сәлеметсіз бе",
                    "салеметсиз бе",
                    "hi",
                    "hello",
                    "hey",
                    "good morning",
                    "good afternoon",
                    "good evening")),
    THANKS(
            true,
            List.of(
                    "спасибо",
                    "спасибо большое",
                    "благодарю",
                    "рахмет",
                    "рақмет",
                    "көп рахмет",
                    "thanks",
                    "thank you",
                    "thx",
                    "ok thanks")),
    ASK_PERSON(
            false,
            List.of(
                    "оператор",
                    "администратор",
                    "менеджер",
                    "живой человек",
                    "позовите человека",
                    "соедините с человеком",
                    "хочу поговорить с человеком",
                    "адамға",
                    "адаммен сөйлескім келеді",
                    "әкімші",
                    "менеджерге",
                    "human",
                    "real person",
                    "a person",
                    "operator",
                    "manager",
                    "speak to someone",
                    "talk to someone")),
    COMPLAINT(
            false,
            List.of(
                    "жалоба",
                    "жалобу",
                    "пожаловаться",
                    "ужасно",
                    "безобразие",
                    "верните деньги",
                    "возврат денег",
                    "обман",
                    "шағым",
                    "ақшамды қайтар",
                    "complaint",
                    "complain",
                    "refund",
                    "terrible",
                    "awful",
                    "disgusting"));

    private final boolean whole;
    private final List<String> phrases;

    Intent(boolean whole, List<String> phrases) {
        this.whole = whole;
        this.phrases = phrases.stream().map(Texts::normalize).toList();
    }

    /** Whether the (normalised) text expresses this intent. */
    public boolean matches(String normalized) {
        if (whole) {
            return phrases.contains(normalized);
        }
        for (String p : phrases) {
            if (Texts.containsPhrase(normalized, p)) {
                return true;
            }
        }
        return false;
    }

    /** The first intent among these that the text expresses. */
    public static Optional<Intent> firstOf(String normalized, Intent... candidates) {
        for (Intent i : candidates) {
            if (i.matches(normalized)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
