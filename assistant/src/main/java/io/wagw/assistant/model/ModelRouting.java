package io.wagw.assistant.model;

/**
 * Which model answers a message: the cheap one for a short and simple message (one line, one question, at most
 * {@link #SHORT_CHARS} characters: "how much is a manicure?", "are you open on Sunday?"), the main one for the
 * rest (several questions, a story, a complaint told at length). Pure.
 */
public final class ModelRouting {
    public static final int SHORT_CHARS = 120;

    private ModelRouting() {}

    public static boolean simple(String text) {
        String t = text.strip();
        if (t.length() > SHORT_CHARS || t.indexOf('\n') >= 0) {
            return false;
        }
        long questions = t.chars().filter(c -> c == '?').count();
        long sentences = t.split("(?<=[.!?…])\\s+").length;
        return questions <= 1 && sentences <= 2;
    }

    /** The model for {@code text}: {@code cheap} when the message is simple and a cheap model is set. */
    public static String pick(String text, String main, String cheap) {
        return cheap != null && simple(text) ? cheap : main;
    }
}
