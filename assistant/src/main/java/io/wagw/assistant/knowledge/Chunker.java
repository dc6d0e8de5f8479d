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
 * Question-answer pairs become one chunk per pair, the question as its heading. Pure.
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
        var blocks = new ArrayList<String>(); // the current section's list items and paragraphs
        var block = new StringBuilder();
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
                } else if (!markdown && block.isEmpty() && isTextHeading(lines, i)) {
                    heading = TEXT_HEADING.matcher(line).replaceAll("$1").strip();
                    level = 1;
                }
            }
            if (heading != null) {
                endBlock(block, blocks);
                flush(headings, blocks, out);
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
                continue;
            }
            if (LIST_ITEM.matcher(line).matches()) {
                endBlock(block, blocks);
            }
            if (!block.isEmpty()) {
                block.append('\n');
            }
            block.append(stripped);
        }
        endBlock(block, blocks);
        flush(headings, blocks, out);
        return List.copyOf(out);
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
