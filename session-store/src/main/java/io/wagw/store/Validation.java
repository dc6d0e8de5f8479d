package io.wagw.store;

import java.util.regex.Pattern;

/** Shape checks shared by the store's entry points; each failure names the field. */
public final class Validation {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern SESSION_NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PLAN = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Pattern USER_WID = Pattern.compile("\\d{5,20}@c\\.us");
    private static final Pattern CHAT_ID =
            Pattern.compile("\\d{5,20}@c\\.us|\\d{5,20}(-\\d{1,20})?@g\\.us|\\d{5,20}@lid");

    /** Longest text body WhatsApp accepts in one message. */
    public static final int MAX_TEXT_LENGTH = 65_536;

    private Validation() {}

    public static String slug(String value) {
        return matching(
                "slug", value, SLUG, "must be 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'");
    }

    public static String sessionName(String value) {
        return matching("name", value, SESSION_NAME, "must be 1-64 characters of a-z, 0-9 and '-'");
    }

    public static String nodeId(String value) {
        return matching("node", value, NODE_ID, "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
    }

    public static String plan(String value) {
        return matching("plan", value, PLAN, "must be 1-32 characters of a-z, 0-9, '_' and '-'");
    }

    /** Whether {@code value} is a chat id: a person ({@code <digits>@c.us}), a group or a {@code @lid} id. */
    public static boolean isChatId(String value) {
        return value != null && CHAT_ID.matcher(value).matches();
    }

    /** Whether {@code value} is a person's WhatsApp id ({@code <digits>@c.us}), as an account's own id is. */
    public static boolean isUserWid(String value) {
        return value != null && USER_WID.matcher(value).matches();
    }

    public static String chatId(String value) {
        // The value is not echoed: a chat id is a phone number, and errors end up in logs.
        return matching(
                "chatId",
                null,
                value,
                CHAT_ID,
                "must be '<digits>@c.us' for a person, '<digits>@g.us' for a group or '<digits>@lid'");
    }

    public static String displayName(String value) {
        if (value == null || value.isBlank()) {
            throw new StoreException.InvalidInput("displayName", "displayName is required");
        }
        if (value.length() > 200) {
            throw new StoreException.InvalidInput("displayName", "displayName must be at most 200 characters");
        }
        return singleLine("displayName", value).strip();
    }

    /** A text to send: not empty, at most {@link #MAX_TEXT_LENGTH}, no control characters but tab and line breaks. */
    public static String text(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new StoreException.InvalidInput(field, field + " must not be empty");
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new StoreException.InvalidInput(
                    field,
                    "%s must be at most %d characters (got %d)".formatted(field, MAX_TEXT_LENGTH, value.length()));
        }
        return multiLine(field, value);
    }

    /**
     * Refuses a value with a control character other than tab, line feed and carriage return: U+0000-U+001F
     * and U+007F. PostgreSQL cannot store U+0000 at all, and the others forge lines and terminal escapes
     * wherever the value is shown.
     */
    public static String multiLine(String field, String value) {
        return withoutControls(field, value, true);
    }

    /** Like {@link #multiLine}, and refuses tab and line breaks too: for names, keys and secrets. */
    public static String singleLine(String field, String value) {
        return withoutControls(field, value, false);
    }

    /**
     * The index of the first character {@link #multiLine} (or, with {@code lineBreaks} false,
     * {@link #singleLine}) refuses, or -1.
     */
    public static int firstControl(String value, boolean lineBreaks) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && !(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A text from outside (a WhatsApp message, a push name, an error) made storable: PostgreSQL refuses
     * U+0000 in text, so it becomes U+FFFD; everything else is kept as received.
     */
    public static String storable(String value) {
        return value == null || value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', '\uFFFD');
    }

    private static String withoutControls(String field, String value, boolean lineBreaks) {
        int at = value == null ? -1 : firstControl(value, lineBreaks);
        if (at >= 0) {
            throw new StoreException.InvalidInput(
                    field,
                    "%s must not contain control characters (U+%04X at index %d)%s"
                            .formatted(
                                    field,
                                    (int) value.charAt(at),
                                    at,
                                    lineBreaks ? "; only tab and line breaks are allowed" : ""));
        }
        return value;
    }

    private static String matching(String field, String value, Pattern pattern, String rule) {
        return matching(field, "'" + abbreviate(String.valueOf(value)) + "' ", value, pattern, rule);
    }

    private static String matching(String field, String shown, String value, Pattern pattern, String rule) {
        if (value == null) {
            throw new StoreException.InvalidInput(field, field + " is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new StoreException.InvalidInput(
                    field, "%s %sis invalid: %s".formatted(field, shown == null ? "" : shown, rule));
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 70 ? value : value.substring(0, 67) + "...";
    }
}
