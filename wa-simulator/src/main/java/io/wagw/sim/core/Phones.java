package io.wagw.sim.core;

import java.util.regex.Pattern;

/** Phone numbers as WhatsApp writes them in ids: international digits without '+', 7 to 15 of them. */
public final class Phones {
    private static final Pattern DIGITS = Pattern.compile("[1-9][0-9]{6,14}");

    private Phones() {}

    public static boolean isValid(String phone) {
        return phone != null && DIGITS.matcher(phone).matches();
    }

    /** Returns the number or throws a 400 naming {@code field}. */
    public static String require(String phone, String field) {
        if (!isValid(phone)) {
            throw ApiError.badField(field, field + " must be 7 to 15 digits, country code first, no '+' or spaces");
        }
        return phone;
    }

    /** The number for logs: all but the last four digits hidden. */
    public static String mask(String phone) {
        if (phone == null) return "null";
        if (phone.length() <= 4) return "****";
        return "*".repeat(Math.min(phone.length() - 4, 11)) + phone.substring(phone.length() - 4);
    }

    /** A user wid, e.g. {@code 77011234567@c.us}. */
    public static String userWid(String phone) {
        return phone + "@c.us";
    }
}
