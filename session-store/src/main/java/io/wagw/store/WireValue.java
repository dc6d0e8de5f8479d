package io.wagw.store;

/**
 * An enum whose constants have a fixed lower-case name in PostgreSQL (text columns with check constraints) and
 * in the JSON of the HTTP API and webhooks (WAHA's names), independent of the Java constant's name.
 *
 * <p>The store binds and reads such enums by this value (see {@code SessionStore.configure}); JSON and SQL
 * parameters built by hand must use {@link #value()} and {@code fromValue}, never {@code name()} or
 * {@code valueOf}. Implementations return the value from {@code toString()} as well, so that messages and
 * logs read as before.
 */
public interface WireValue {
    /** The name as stored and as shown on the wire, e.g. {@code pending}. */
    String value();

    /**
     * The constant whose {@link #value()} is exactly {@code value} (case matters, as it did with {@code valueOf}).
     *
     * @throws IllegalArgumentException when there is none
     */
    static <E extends Enum<E> & WireValue> E fromValue(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.value().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " is named '" + value + "'");
    }
}
