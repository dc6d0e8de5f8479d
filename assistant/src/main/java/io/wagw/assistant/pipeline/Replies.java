package io.wagw.assistant.pipeline;

import java.util.regex.Pattern;

/** Post-processing of an answer before it goes out: WhatsApp's formatting and the length cap. */
public final class Replies {
    private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*$");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\((https?://[^)\\s]+)\\)");
    private static final Pattern BULLET = Pattern.compile("(?m)^\\s*[*+]\\s+");
    private static final Pattern BLANKS = Pattern.compile("\\n{3,}");

    private Replies() {}

    /**
     * Markdown as WhatsApp shows it ({@code **b**} and headings as {@code *b*}, links as "text (url)", bullets
     * as "•"), blank runs folded, and at most {@code maxChars}, cut after a sentence or word with "…".
     */
    public static String forWhatsApp(String text, int maxChars) {
        String s = text.strip();
        s = BOLD.matcher(s).replaceAll("*$1*");
        s = HEADING.matcher(s).replaceAll("*$1*");
        s = LINK.matcher(s).replaceAll("$1 ($2)");
        s = BULLET.matcher(s).replaceAll("• ");
        s = BLANKS.matcher(s).replaceAll("\n\n");
        return cap(s, maxChars);
    }

    static String cap(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return s;
        }
        String head = s.substring(0, maxChars - 1);
        int sentence = Math.max(head.lastIndexOf(". "), Math.max(head.lastIndexOf("! "), head.lastIndexOf("? ")));
        int newline = head.lastIndexOf('\n');
        int cut = Math.max(sentence + 1, newline);
        if (cut < maxChars / 2) {
            int space = head.lastIndexOf(' ');
            cut = space > maxChars / 2 ? space : head.length();
        }
        return head.substring(0, cut).stripTrailing() + "…";
    }
}
