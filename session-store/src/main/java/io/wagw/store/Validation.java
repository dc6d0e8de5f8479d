package io.wagw.store;

import java.util.regex.Pattern;

/** Shape checks shared by the store's entry points; each failure names the field. */
public final class Validation {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern SESSION_NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PLAN = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Pattern CHAT_ID = Pattern.compile("\\d{5,20}@c\\.us|\\d{5,20}(-\\d{1,20})?@g\\.us|\\d{5,20}@lid");

    /** Longest text body WhatsApp accepts in one message. */
    public static final int MAX_TEXT_LENGTH = 65_536;

    private Validation() {
    }

    public static String slug(String value) {
        return matching("slug", value, SLUG,
                "must be 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'");
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

    public static String chatId(String value) {
        // The value is not echoed: a chat id is a phone number, and errors end up in logs.
        return matching("chatId", null, value, CHAT_ID,
                "must be '<digits>@c.us' for a person, '<digits>@g.us' for a group or '<digits>@lid'");
    }

    public static String displayName(String value) {
        if (value == null || value.isBlank()) {
            throw new StoreException.InvalidInput("displayName", "displayName is required");
        }
        if (value.length() > 200) {
            throw new StoreException.InvalidInput("displayName", "displayName must be at most 200 characters");
        }
        return value.strip();
    }

    public static String text(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new StoreException.InvalidInput(field, field + " must not be empty");
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new StoreException.InvalidInput(field,
                    "%s must be at most %d characters (got %d)".formatted(field, MAX_TEXT_LENGTH, value.length()));
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
            throw new StoreException.InvalidInput(field,
                    "%s %sis invalid: %s".formatted(field, shown == null ? "" : shown, rule));
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 70 ? value : value.substring(0, 67) + "...";
    }
}
