package io.wagw.sim.core;

/**
 * A request the simulator refuses, with the HTTP status, a stable machine-readable code, a message for
 * humans and, when one input field is to blame, its name. Rendered as {@code {error, message, field}}
 * by the control API's single failure handler.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiError(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public ApiError(int status, String code, String message) {
        this(status, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
    /** The offending input field, or {@code null}. */
    public String field() {
        return field;
    }

    public static ApiError badField(String field, String message) {
        return new ApiError(400, "invalid_field", message, field);
    }

    public static ApiError unknownAccount(String phone) {
        return new ApiError(404, "unknown_account", "no account with phone number " + Phones.mask(phone), "phone");
    }
}
