package io.wagw.node.session;

import io.wagw.store.lease.SessionLease;
import java.util.Optional;

/** A request the runtime refuses, with a stable code and the field at fault (if any). */
public final class SessionRuntimeException extends RuntimeException {
    /** Why a request was refused; the HTTP layer maps these to status codes. */
    public enum Code {
        NOT_FOUND,
        ALREADY_RUNNING,
        NOT_RUNNING,
        CAPACITY_REACHED,
        LEASED_ELSEWHERE,
        TENANT_INACTIVE,
        NOT_WORKING,
        NOT_SCANNING,
        INVALID_INPUT,
        SEND_FAILED,
        QUEUE_FULL
    }

    private final Code code;
    private final String field;
    /** For {@link Code#LEASED_ELSEWHERE} from a start: the lease that refused it, when it was still live. */
    private final SessionLease heldBy;

    public SessionRuntimeException(Code code, String field, String message) {
        this(code, field, message, null);
    }

    private SessionRuntimeException(Code code, String field, String message, SessionLease heldBy) {
        super(message);
        this.code = code;
        this.field = field;
        this.heldBy = heldBy;
    }

    static SessionRuntimeException notFound(String message) {
        return new SessionRuntimeException(Code.NOT_FOUND, "session", message);
    }

    static SessionRuntimeException invalidInput(String field, String message) {
        return new SessionRuntimeException(Code.INVALID_INPUT, field, message);
    }

    static SessionRuntimeException tenantInactive(String tenant, Object status) {
        return new SessionRuntimeException(
                Code.TENANT_INACTIVE, "tenant", "tenant '%s' is %s; its sessions cannot run".formatted(tenant, status));
    }

    static SessionRuntimeException alreadyRunning(String session) {
        return new SessionRuntimeException(
                Code.ALREADY_RUNNING, "name", "session '%s' is already running on this node".formatted(session));
    }

    static SessionRuntimeException capacityReached(int maxSessions) {
        return new SessionRuntimeException(
                Code.CAPACITY_REACHED,
                null,
                "this node runs its maximum of %d sessions (GW_MAX_SESSIONS)".formatted(maxSessions));
    }

    static SessionRuntimeException leasedElsewhere(String message) {
        return new SessionRuntimeException(Code.LEASED_ELSEWHERE, "name", message);
    }

    static SessionRuntimeException notRunning(String message) {
        return new SessionRuntimeException(Code.NOT_RUNNING, "session", message);
    }

    static SessionRuntimeException notScanning(String message) {
        return new SessionRuntimeException(Code.NOT_SCANNING, "session", message);
    }

    static SessionRuntimeException notWorking(String message) {
        return new SessionRuntimeException(Code.NOT_WORKING, "session", message);
    }

    static SessionRuntimeException sendFailed(String field, String message) {
        return new SessionRuntimeException(Code.SEND_FAILED, field, message);
    }

    static SessionRuntimeException queueFull(String session, int max) {
        return new SessionRuntimeException(
                Code.QUEUE_FULL,
                "session",
                "session '%s' has %d messages waiting to be sent; try again later".formatted(session, max));
    }

    /** A session this node does not run (any more). */
    static SessionRuntimeException sessionNotRunning(String session) {
        return notRunning("session '%s' is not running".formatted(session));
    }

    /** A session that does not run on this node, though it exists. */
    static SessionRuntimeException notRunningHere(String session) {
        return notRunning("session '%s' is not running on this node".formatted(session));
    }

    /** A message still queued when its session stopped. */
    static SessionRuntimeException stoppedBeforeSent(String session) {
        return notRunning("session '%s' stopped before the message was sent".formatted(session));
    }

    /** A request that needs a working page. */
    static SessionRuntimeException notWorking(String session, Object status) {
        return notWorking("session '%s' is %s, not WORKING".formatted(session, status));
    }

    /** The page reported that WhatsApp Web refused a send. */
    static SessionRuntimeException refusedByWhatsApp(String error) {
        return sendFailed("chatId", "WhatsApp Web refused the send: " + error);
    }

    /** A send that did not go out (the session stopped, restarted, or the page failed to send it). */
    static SessionRuntimeException notSent(String why) {
        return sendFailed(null, why);
    }

    /** A send whose outcome could not be read back. */
    static SessionRuntimeException sendOutcomeUnknown(String detail) {
        return sendFailed(null, "send outcome unknown: " + detail);
    }

    /** Another node holds the session's lease ({@code lease}, unless it ran out meanwhile). */
    static SessionRuntimeException runningOnNode(String session, Optional<SessionLease> lease) {
        return new SessionRuntimeException(
                Code.LEASED_ELSEWHERE,
                "name",
                "session '%s' is running on node %s"
                        .formatted(session, lease.map(SessionLease::ownerNode).orElse("another node")),
                lease.orElse(null));
    }

    /** The lease that refused a start, when known. */
    public Optional<SessionLease> heldBy() {
        return Optional.ofNullable(heldBy);
    }

    /** A logout of a session another node runs. */
    static SessionRuntimeException logOutWhereItRuns(String session) {
        return leasedElsewhere("session '%s' is running on another node; log it out there".formatted(session));
    }

    /** A QR asked for outside SCAN_QR_CODE. */
    static SessionRuntimeException noQrWhile(String session, Object status) {
        return notScanning("session '%s' is %s; a QR exists only in SCAN_QR_CODE".formatted(session, status));
    }

    /** A QR asked for before the page showed the next one. */
    static SessionRuntimeException qrNotShownYet(String session) {
        return notScanning(
                "session '%s' waits for WhatsApp Web to show a new QR; try again in a moment".formatted(session));
    }

    /** A pairing code asked for outside SCAN_QR_CODE. */
    static SessionRuntimeException noPairingCodeWhile(String session, Object status) {
        return notScanning("session '%s' is %s; pairing codes exist only in SCAN_QR_CODE".formatted(session, status));
    }

    /** A phone number that is not 7-15 digits. */
    static SessionRuntimeException badPhoneNumber() {
        return invalidInput(
                "phoneNumber", "phoneNumber must be 7-15 digits in international format (e.g. 77011234567)");
    }

    /** A send to a session that does not work now. */
    static SessionRuntimeException cannotSendWhile(String session, Object status) {
        return notWorking(
                "session '%s' is %s; messages can be sent only when it is WORKING".formatted(session, status));
    }

    /** A chat the account does not know (its number masked but for the last four digits). */
    static SessionRuntimeException unknownChat(String chatId) {
        return invalidInput(
                "chatId",
                "chat %s is not known to this WhatsApp account".formatted(chatId.replaceAll("\\d(?=\\d{4})", "*")));
    }

    public Code code() {
        return code;
    }

    public String field() {
        return field;
    }
}
