package io.wagw.node.session;

/** A request the runtime refuses, with a stable code and the field at fault (if any). */
public final class SessionRuntimeException extends RuntimeException {
    /** Why a request was refused; the HTTP layer maps these to status codes. */
    public enum Code {
        NOT_FOUND, ALREADY_RUNNING, NOT_RUNNING, CAPACITY_REACHED, LEASED_ELSEWHERE, TENANT_INACTIVE, NOT_WORKING,
        NOT_SCANNING, INVALID_INPUT, SEND_FAILED, QUEUE_FULL
    }

    private final Code code;
    private final String field;

    public SessionRuntimeException(Code code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public Code code() {
        return code;
    }

    public String field() {
        return field;
    }
}
