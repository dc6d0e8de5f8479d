package io.wagw.assistant.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** An extractive summary of what a customer asked, for when no model is configured. */
public final class Summaries {
    public static final int MAX_CHARS = 300;

    private Summaries() {}

    /**
     * The customer's questions (their sentences ending in "?"), newest first, or their longest messages when
     * they asked none, within {@value #MAX_CHARS} characters: {@code "Asked: how much is a pedicure?; do you
     * work on Sunday?"}.
     */
    public static String extractive(List<String> customerMessages) {
        var questions = new LinkedHashSet<String>();
        for (int i = customerMessages.size() - 1; i >= 0; i--) {
            for (String sentence : customerMessages.get(i).split("(?<=[?!.])\\s+|\\n")) {
                String s = sentence.strip();
                if (s.endsWith("?") && s.length() > 3) {
                    questions.add(s);
                }
            }
        }
        List<String> picked = new ArrayList<>(questions);
        String label = "Asked: ";
        if (picked.isEmpty()) {
            label = "Wrote: ";
            customerMessages.stream()
                    .map(String::strip)
                    .filter(s -> s.length() > 3)
                    .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                    .distinct()
                    .limit(3)
                    .forEach(picked::add);
        }
        if (picked.isEmpty()) {
            return null;
        }
        var out = new StringBuilder(label);
        for (String p : picked) {
            String next = (out.length() > label.length() ? "; " : "") + p;
            if (out.length() + next.length() > MAX_CHARS) {
                break;
            }
            out.append(next);
        }
        return out.length() > label.length() ? out.toString() : (label + picked.get(0)).substring(0, MAX_CHARS);
    }
}
