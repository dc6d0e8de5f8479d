package io.wagw.assistant.policy;

import io.wagw.assistant.settings.Language;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Normalising customers' texts for matching, and telling their language. */
public final class Texts {
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final String KAZAKH_LETTERS = "әғқңөұүһі";

    private Texts() {}

    /**
     * Lower case, {@code ё} as {@code е}, every run of punctuation, emoji or space as one space, trimmed:
     * {@code "Стоп!!"} and {@code " стоп "} read the same.
     */
    public static String normalize(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFC)
                .toLowerCase(Locale.ROOT)
                .replace('ё', 'е');
        return NOT_WORD.matcher(s).replaceAll(" ").strip();
    }

    /**
     * The language a text is written in: Kazakh when it has a letter only Kazakh uses, Russian for other
     * Cyrillic, English for Latin; {@code fallback} when it has no letters (an emoji, a number).
     */
    public static Language language(String text, Language fallback) {
        int cyrillic = 0;
        int latin = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if (KAZAKH_LETTERS.indexOf(c) >= 0) {
                return Language.KK;
            }
            Character.UnicodeBlock b = Character.UnicodeBlock.of(c);
            if (b == Character.UnicodeBlock.CYRILLIC) {
                cyrillic++;
            } else if (c >= 'a' && c <= 'z') {
                latin++;
            }
        }
        if (cyrillic == 0 && latin == 0) {
            return fallback;
        }
        return cyrillic >= latin ? Language.RU : Language.EN;
    }

    /**
     * Whether the normalised text holds the phrase as consecutive words. A phrase word of five letters or more
     * also matches a longer word it starts (Russian and Kazakh inflect: «администратор» matches
     * «администратора»); a shorter one must match whole.
     */
    public static boolean containsPhrase(String normalizedText, String phrase) {
        String[] p = normalize(phrase).split(" ");
        String[] t = normalizedText.split(" ");
        if (p.length == 0 || p[0].isEmpty()) {
            return false;
        }
        for (int i = 0; i + p.length <= t.length; i++) {
            boolean all = true;
            for (int j = 0; j < p.length && all; j++) {
                all = t[i + j].equals(p[j]) || (p[j].length() >= 5 && t[i + j].startsWith(p[j]));
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** Masks a phone number or chat id for logs: {@code 77011234567} → {@code 7701***67}. */
    public static String mask(String phone) {
        if (phone == null) {
            return null;
        }
        String digits = phone.contains("@") ? phone.substring(0, phone.indexOf('@')) : phone;
        if (digits.length() <= 6) {
            return "***";
        }
        return digits.substring(0, 4) + "***" + digits.substring(digits.length() - 2);
    }
}
