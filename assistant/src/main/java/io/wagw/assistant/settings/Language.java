package io.wagw.assistant.settings;

import java.util.Locale;
import java.util.Optional;

/** The languages the assistant speaks with customers. */
public enum Language {
    RU,
    KK,
    EN;

    /** The code used in settings and the API: {@code ru}, {@code kk}, {@code en}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Language> fromCode(String code) {
        for (Language l : values()) {
            if (l.code().equals(code)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
