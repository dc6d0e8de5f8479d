package io.wagw.store.tenant;

/** Lifecycle of a tenant. Only {@code active} and {@code onboarding} tenants may run sessions. */
public enum TenantStatus {
    onboarding,
    active,
    suspended,
    deleted;

    /** Whether sessions of a tenant in this status may run. */
    public boolean mayRunSessions() {
        return this == onboarding || this == active;
    }
}
