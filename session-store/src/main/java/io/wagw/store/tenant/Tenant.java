package io.wagw.store.tenant;

import java.time.Instant;

/** A business that links its WhatsApp number(s) to the gateway. */
public record Tenant(
        long id,
        String slug,
        String displayName,
        TenantStatus status,
        String plan,
        Instant createdAt,
        Instant updatedAt) {}
