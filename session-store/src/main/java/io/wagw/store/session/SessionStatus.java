package io.wagw.store.session;

/** Session statuses, named as WAHA names them so that existing clients understand them. */
public enum SessionStatus {
    STOPPED,
    STARTING,
    SCAN_QR_CODE,
    WORKING,
    FAILED
}
