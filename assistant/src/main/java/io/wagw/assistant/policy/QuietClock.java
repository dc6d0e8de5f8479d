package io.wagw.assistant.policy;

import io.wagw.assistant.settings.TenantSettings.QuietHours;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Quiet hours in the business's timezone. A quiet period starts at {@code from} on one of {@code days} and
 * ends at the next {@code to} (the next morning when it spans midnight).
 */
public final class QuietClock {
    private QuietClock() {}

    /** The quiet period {@code at} falls in, named by the date it started; empty when the business is open. */
    public static Optional<LocalDate> night(QuietHours q, ZoneId zone, Instant at) {
        if (!q.enabled()) {
            return Optional.empty();
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        boolean spansMidnight = q.from().isAfter(q.to());
        LocalDate today = local.toLocalDate();
        if (spansMidnight) {
            if (!local.toLocalTime().isBefore(q.from()) && q.days().contains(today.getDayOfWeek())) {
                return Optional.of(today);
            }
            LocalDate yesterday = today.minusDays(1);
            if (local.toLocalTime().isBefore(q.to()) && q.days().contains(yesterday.getDayOfWeek())) {
                return Optional.of(yesterday);
            }
            return Optional.empty();
        }
        boolean inside =
                !local.toLocalTime().isBefore(q.from()) && local.toLocalTime().isBefore(q.to());
        return inside && q.days().contains(today.getDayOfWeek()) ? Optional.of(today) : Optional.empty();
    }

    /** When the quiet period that started on {@code night} ends: the business opens again. */
    public static Instant opening(QuietHours q, ZoneId zone, LocalDate night) {
        LocalDate end = q.from().isAfter(q.to()) ? night.plusDays(1) : night;
        return ZonedDateTime.of(end, q.to(), zone).toInstant();
    }
}
