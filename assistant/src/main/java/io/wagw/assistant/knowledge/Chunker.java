package io.wagw.assistant.knowledge;

import io.wagw.store.assistant.Knowledge.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a tenant's knowledge into chunks to search: Markdown or plain text along its headings, each chunk
 * keeping the path of headings it sits under ("Prices > Nails"); a section longer than {@value #MAX_CHARS}
 * characters is split between its list items and paragraphs (a single longer one between sentences).
 * Question-answer pairs become one chunk per pair, the question as its heading.
 *
 * <p>A chunk's text holds one unit a line, as the answerer picks lines: a list item with its continuation
 * lines, a paragraph of prose wrapped at some width joined back into one line, a table row with its column
 * names ("Size: Large (over 25 kg) — Full groom: 26 000 ₸; Bath: 15 000 ₸"). A FAQ written as a question line on
 * its own (emphasised, {@code **Can I pay by card?**}, or plain ending in "?") with its answer below is a
 * heading under the current one: the answer is the chunk, the question its heading, as with uploaded pairs.
 * Pure.
 */
public final class Chunker {
    /** Largest chunk, in characters. */
    public static final int MAX_CHARS = 800;

    public static final String SEPARATOR = " > ";

    private static final Pattern ATX_HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:[-*+•–—]|\\d{1,3}[.)])\\s+\\S.*");
    private static final Pattern SETEXT = Pattern.compile("^\\s{0,3}(=+|-+)\\s*$");
    private static final Pattern TEXT_HEADING = Pattern.compile("^\\s*([^:]{1,60}):\\s*$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?…])\\s+");
    /** A whole line in emphasis: {@code **text**}, {@code __text__}, {@code *text*} or {@code _text_}. */
    private static final Pattern EMPHASISED = Pattern.compile("^(\\*\\*|__|\\*|_)(\\S(?:.*\\S)?)\\1$");
    /** "Q:", «Вопрос:», «Сұрақ:» before a question; "A:", «Ответ:», «Жауап:» before its answer. */
    private static final Pattern QUESTION_LABEL =
            Pattern.compile("^(?i:q|question|в|вопрос|сұрақ)\\s*[:.)]\\s+", Pattern.UNICODE_CASE);

    private static final Pattern ANSWER_LABEL =
            Pattern.compile("^(?i:a|answer|о|ответ|жауап)\\s*[:.)]\\s+", Pattern.UNICODE_CASE);
    private static final Pattern TABLE_ROW = Pattern.compile("^\\s*\\|.*\\|\\s*$");
    private static final Pattern TABLE_RULE =
            Pattern.compile("^\\s*\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?\\s*$");
    /** A line starting with a short label and a colon ("Phone: ...", «Адрес: ...»): a unit of its own. */
    private static final Pattern LABELLED = Pattern.compile("^[\\p{Lu}][\\p{L} /&-]{0,30}:\\s+\\S.*");
    /** A line shorter than this is not taken for wrapped prose unless the next line goes on in lower case. */
    private static final int WRAPPED_MIN = 60;
    /** The longest line taken for a FAQ question. */
    private static final int QUESTION_MAX = 200;

    /** A question and its answer, as uploaded. */
    public record QaPair(String question, String answer) {}

    private Chunker() {}

    /** Chunks of {@code text} in {@code format} {@code markdown} or {@code text}. */
    public static List<Chunk> chunk(String format, String text) {
        return switch (format) {
            case "markdown" -> split(text, true);
            case "text" -> split(text, false);
            default -> throw new IllegalArgumentException("format " + format + " is not text");
        };
    }

    /** One chunk per pair (more when an answer is long), the question as the heading. */
    public static List<Chunk> qa(List<QaPair> pairs) {
        var out = new ArrayList<Chunk>();
        for (QaPair p : pairs) {
            String q = oneLine(p.question());
            String a = p.answer() == null ? "" : p.answer().strip();
            if (q.isEmpty() || a.isEmpty()) {
                continue;
            }
            for (String piece : pieces(a)) {
                out.add(new Chunk(q, piece));
            }
        }
        return List.copyOf(out);
    }

    private static List<Chunk> split(String text, boolean markdown) {
        var out = new ArrayList<Chunk>();
        var headings = new ArrayList<String>(); // index = level - 1
        boolean faq = false; // the last heading is a FAQ question line
        var blocks = new ArrayList<String>(); // the current section's list items and paragraphs
        var block = new StringBuilder();
        String last = ""; // the last line added to the block
        List<String> columns = List.of(); // the current table's column names
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String stripped = line.strip();
            if (markdown && stripped.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            String heading = null;
            int level = 0;
            boolean question = false;
            if (!fenced) {
                Matcher atx = markdown ? ATX_HEADING.matcher(line) : null;
                if (atx != null && atx.matches()) {
                    heading = atx.group(2);
                    level = atx.group(1).length();
                } else if (markdown
                        && !stripped.isEmpty()
                        && !LIST_ITEM.matcher(line).matches()
                        && i + 1 < lines.length
                        && SETEXT.matcher(lines[i + 1]).matches()
                        && block.isEmpty()) {
                    heading = stripped;
                    level = lines[i + 1].strip().startsWith("=") ? 1 : 2;
                    i++;
                } else if ((heading = faqQuestion(lines, i, markdown, block.isEmpty())) != null) {
                    question = true;
                } else if (!markdown && block.isEmpty() && isTextHeading(lines, i)) {
                    heading = TEXT_HEADING.matcher(line).replaceAll("$1").strip();
                    level = 1;
                }
            }
            if (heading != null) {
                endBlock(block, blocks);
                flush(headings, blocks, out);
                columns = List.of();
                if (faq) {
                    headings.remove(headings.size() - 1);
                }
                faq = question;
                if (question) {
                    level = headings.size() + 1;
                }
                while (headings.size() >= level) {
                    headings.remove(headings.size() - 1);
                }
                while (headings.size() < level - 1) {
                    headings.add("");
                }
                headings.add(oneLine(heading.replace("**", "").replace("__", "")));
                continue;
            }
            if (stripped.isEmpty()) {
                endBlock(block, blocks);
                columns = List.of();
                continue;
            }
            if (markdown && !fenced && TABLE_ROW.matcher(line).matches()) {
                endBlock(block, blocks);
                if (i + 1 < lines.length && TABLE_RULE.matcher(lines[i + 1]).matches()) {
                    columns = cells(stripped); // the header row: its names go into every row below
                    i++;
                } else if (!TABLE_RULE.matcher(line).matches()) {
                    blocks.add(tableRow(cells(stripped), columns));
                }
                continue;
            }
            if (faq && block.isEmpty() && blocks.isEmpty()) {
                stripped = ANSWER_LABEL.matcher(stripped).replaceFirst("");
            }
            boolean item = LIST_ITEM.matcher(line).matches();
            if (item
                    || (!block.isEmpty()
                            && !continues(last, line, LIST_ITEM.matcher(block).lookingAt()))) {
                endBlock(block, blocks);
            }
            if (!block.isEmpty()) {
                block.append(' ');
            }
            block.append(stripped);
            last = stripped;
        }
        endBlock(block, blocks);
        flush(headings, blocks, out);
        return List.copyOf(out);
    }

    /**
     * Whether {@code next} goes on the unit whose last line is {@code previous} (a paragraph or a list item
     * wrapped at some width) rather than starting a unit of its own (a line per fact, "Mon–Sat: 10–20" then
     * "Sunday: closed"): the previous line ends in no full stop, and it is long (wrapped) or the next goes on in
     * lower case; a list item's indented line goes on it too. A labelled line ("Phone: ...") starts a unit.
     */
    static boolean continues(String previous, String next, boolean item) {
        if (item && !next.isEmpty() && Character.isWhitespace(next.charAt(0))) {
            return true;
        }
        String n = next.strip();
        if (previous.isEmpty() || n.isEmpty() || LABELLED.matcher(n).matches()) {
            return false;
        }
        char end = previous.charAt(previous.length() - 1);
        if (".!?…:;".indexOf(end) >= 0) {
            return false;
        }
        return previous.length() >= WRAPPED_MIN || Character.isLowerCase(n.codePointAt(0));
    }

    /**
     * The question of a FAQ entry starting at line {@code i}, or null: a line wholly emphasised
     * ({@code **...**}, {@code *...*}) or a line starting a paragraph and ending in "?", not a list item, followed
     * (after at most one blank line) by the answer's text.
     */
    private static String faqQuestion(String[] lines, int i, boolean markdown, boolean startsBlock) {
        String s = lines[i].strip();
        if (s.isEmpty()
                || s.length() > QUESTION_MAX
                || LIST_ITEM.matcher(lines[i]).matches()
                || s.startsWith("|")) {
            return null;
        }
        Matcher em = markdown ? EMPHASISED.matcher(s) : null;
        String q;
        if (em != null && em.matches()) {
            q = em.group(2).strip();
        } else if (s.endsWith("?") && startsBlock) {
            q = s;
        } else {
            return null;
        }
        q = QUESTION_LABEL.matcher(q).replaceFirst("");
        int next = i + 1;
        if (next < lines.length && lines[next].isBlank()) {
            next++;
        }
        if (next >= lines.length || lines[next].isBlank()) {
            return null;
        }
        String answer = lines[next].strip();
        if (markdown && (ATX_HEADING.matcher(lines[next]).matches() || answer.startsWith("|"))) {
            return null;
        }
        // a list of questions, not a question and its answer
        if (answer.endsWith("?") || (markdown && EMPHASISED.matcher(answer).matches())) {
            return null;
        }
        return q;
    }

    /** The cells of a Markdown table row. */
    private static List<String> cells(String row) {
        String r = row.strip();
        if (r.startsWith("|")) {
            r = r.substring(1);
        }
        if (r.endsWith("|")) {
            r = r.substring(0, r.length() - 1);
        }
        var out = new ArrayList<String>();
        for (String c : r.split("(?<!\\\\)\\|", -1)) {
            out.add(c.strip().replace("**", "").replace("__", ""));
        }
        return out;
    }

    /** A table row as one line naming its columns: "Size: Small — Full groom: 14 000 ₸; Bath only: 8 000 ₸". */
    private static String tableRow(List<String> cells, List<String> columns) {
        var rest = new ArrayList<String>();
        for (int c = 1; c < cells.size(); c++) {
            if (cells.get(c).isEmpty()) {
                continue;
            }
            String name = c < columns.size() ? columns.get(c) : "";
            rest.add(name.isEmpty() ? cells.get(c) : name + ": " + cells.get(c));
        }
        String first = cells.isEmpty() ? "" : cells.get(0);
        if (!first.isEmpty() && !columns.isEmpty() && !columns.get(0).isEmpty()) {
            first = columns.get(0) + ": " + first;
        }
        if (rest.isEmpty()) {
            return "- " + first;
        }
        return "- " + (first.isEmpty() ? "" : first + " — ") + String.join("; ", rest);
    }

    /** A short line ending in a colon, followed by text: a heading in plain text ("Prices:"). */
    private static boolean isTextHeading(String[] lines, int i) {
        return TEXT_HEADING.matcher(lines[i]).matches() && i + 1 < lines.length && !lines[i + 1].isBlank();
    }

    private static void endBlock(StringBuilder block, List<String> blocks) {
        if (!block.isEmpty()) {
            blocks.add(block.toString());
            block.setLength(0);
        }
    }

    /** The section's blocks as chunks of at most MAX_CHARS, under the current heading path. */
    private static void flush(List<String> headings, List<String> blocks, List<Chunk> out) {
        if (blocks.isEmpty()) {
            return;
        }
        String path = String.join(
                SEPARATOR, headings.stream().filter(h -> !h.isEmpty()).toList());
        var current = new StringBuilder();
        for (String b : blocks) {
            for (String piece : pieces(b)) {
                if (!current.isEmpty() && current.length() + 1 + piece.length() > MAX_CHARS) {
                    out.add(new Chunk(path, current.toString()));
                    current.setLength(0);
                }
                if (!current.isEmpty()) {
                    current.append('\n');
                }
                current.append(piece);
            }
        }
        if (!current.isEmpty()) {
            out.add(new Chunk(path, current.toString()));
        }
        blocks.clear();
    }

    /** A block cut between sentences (or, failing that, between words) into pieces of at most MAX_CHARS. */
    static List<String> pieces(String block) {
        if (block.length() <= MAX_CHARS) {
            return List.of(block);
        }
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        for (String sentence : SENTENCE_END.split(block)) {
            for (String part : hardCut(sentence)) {
                if (!current.isEmpty() && current.length() + 1 + part.length() > MAX_CHARS) {
                    out.add(current.toString());
                    current.setLength(0);
                }
                if (!current.isEmpty()) {
                    current.append(' ');
                }
                current.append(part);
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    private static List<String> hardCut(String s) {
        var out = new ArrayList<String>();
        String rest = s;
        while (rest.length() > MAX_CHARS) {
            int cut = rest.lastIndexOf(' ', MAX_CHARS);
            if (cut < MAX_CHARS / 2) {
                cut = MAX_CHARS;
            }
            out.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }
}
