package io.wagw.store.tenant;

import io.wagw.store.WireValue;

/**
 * Lifecycle of a tenant. Only {@code active} and {@code onboarding} tenants may run sessions. Stored and
 * shown by {@link #value()}.
 */
public enum TenantStatus implements WireValue {
    ONBOARDING("onboarding"),
    ACTIVE("active"),
    SUSPENDED("suspended"),
    DELETED("deleted");

    private final String value;

    TenantStatus(String value) {
        this.value = value;
    }

    /** Whether sessions of a tenant in this status may run. */
    public boolean mayRunSessions() {
        return this == ONBOARDING || this == ACTIVE;
    }

    @Override
    public String value() {
        return value;
    }

    /** @throws IllegalArgumentException when {@code value} names no status */
    public static TenantStatus fromValue(String value) {
        return WireValue.fromValue(TenantStatus.class, value);
    }

    @Override
    public String toString() {
        return value;
    }
}
