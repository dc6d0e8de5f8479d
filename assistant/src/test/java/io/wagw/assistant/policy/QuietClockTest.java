package io.wagw.assistant.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.assistant.settings.TenantSettings.QuietHours;
import io.wagw.assistant.settings.TenantSettings.QuietHours.Behaviour;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuietClockTest {
    private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty"); // UTC+5

    @Test
    void aNightSpanningMidnightIsNamedByTheDayItStartedAndOnlyOnItsDays() {
        var fridays = new QuietHours(
                true, Set.of(DayOfWeek.FRIDAY), LocalTime.of(21, 0), LocalTime.of(9, 0), Behaviour.TEMPLATE);
        // Friday 2026-12-04 22:00 local, Saturday 03:00 local, Saturday 10:00, Saturday 22:00
        assertThat(QuietClock.night(fridays, ALMATY, Instant.parse("2026-12-04T17:00:00Z")))
                .contains(LocalDate.of(2026, 12, 4));
        assertThat(QuietClock.night(fridays, ALMATY, Instant.parse("2026-12-04T22:00:00Z")))
                .contains(LocalDate.of(2026, 12, 4));
        assertThat(QuietClock.night(fridays, ALMATY, Instant.parse("2026-12-05T05:00:00Z")))
                .isEmpty();
        assertThat(QuietClock.night(fridays, ALMATY, Instant.parse("2026-12-05T17:00:00Z")))
                .isEmpty();
        assertThat(QuietClock.opening(fridays, ALMATY, LocalDate.of(2026, 12, 4)))
                .isEqualTo(Instant.parse("2026-12-05T04:00:00Z"));
    }

    @Test
    void aDaytimeBreakAndDisabledQuietHours() {
        var lunch = new QuietHours(
                true, Set.of(DayOfWeek.values()), LocalTime.of(13, 0), LocalTime.of(14, 0), Behaviour.QUEUE);
        assertThat(QuietClock.night(lunch, ALMATY, Instant.parse("2026-12-02T08:30:00Z")))
                .contains(LocalDate.of(2026, 12, 2));
        assertThat(QuietClock.night(lunch, ALMATY, Instant.parse("2026-12-02T09:00:00Z")))
                .isEmpty();
        assertThat(QuietClock.opening(lunch, ALMATY, LocalDate.of(2026, 12, 2)))
                .isEqualTo(Instant.parse("2026-12-02T09:00:00Z"));
        assertThat(QuietClock.night(QuietHours.off(), ALMATY, Instant.parse("2026-12-02T20:00:00Z")))
                .isEmpty();
    }

    @Test
    void languageAndNormalisation() {
        assertThat(Texts.normalize("  Стоп!! 🙏 ")).isEqualTo("стоп");
        assertThat(Texts.normalize("Ёлка")).isEqualTo("елка");
        assertThat(Texts.language("Қанша тұрады?", io.wagw.assistant.settings.Language.RU))
                .isEqualTo(io.wagw.assistant.settings.Language.KK);
        assertThat(Texts.language("Сколько стоит?", io.wagw.assistant.settings.Language.EN))
                .isEqualTo(io.wagw.assistant.settings.Language.RU);
        assertThat(Texts.language("How much?", io.wagw.assistant.settings.Language.RU))
                .isEqualTo(io.wagw.assistant.settings.Language.EN);
        assertThat(Texts.language("👍", io.wagw.assistant.settings.Language.KK))
                .isEqualTo(io.wagw.assistant.settings.Language.KK);
        assertThat(Texts.mask("77011234567@c.us")).isEqualTo("7701***67");
    }
}
