package io.wagw.assistant.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.StoreException;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsCodecTest {

    private static void rejects(Map<String, ?> in, String field) {
        assertThatThrownBy(() -> SettingsCodec.fromMap(in, "Salon"))
                .isInstanceOf(StoreException.InvalidInput.class)
                .satisfies(e -> assertThat(((StoreException) e).field()).isEqualTo(field));
    }

    @Test
    void emptySettingsAreTheDefaultsWithTheTenantsName() {
        var s = SettingsCodec.fromMap(Map.of(), "Salon Aida");
        assertThat(s).isEqualTo(TenantSettings.defaults("Salon Aida"));
        assertThat(s.businessName()).isEqualTo("Salon Aida");
    }

    @Test
    void settingsRoundTripThroughTheirMap() {
        Map<String, Object> in = Map.of(
                "businessName", "Salon Aida",
                "timezone", "Asia/Almaty",
                "languages", List.of("kk", "ru"),
                "tone", "formal",
                "templates", Map.of("greeting", Map.of("ru", "Привет из {business}"), "fallback", "One text for all"),
                "quietHours",
                        Map.of("days", List.of("sat", "sun"), "from", "20:00", "to", "10:00", "behaviour", "queue"),
                "escalation",
                        Map.of(
                                "contacts",
                                List.of(
                                        Map.of("name", "B", "phone", "+77019998877", "priority", 2),
                                        Map.of("name", "A", "phone", "77019998866", "priority", 1))),
                "quota", Map.of("monthlyMessages", 500, "atLimit", "silent"),
                "ignoreNumbers", List.of("77010000001"),
                "quickReplies", List.of(Map.of("pattern", "адрес|address", "reply", "Abai 10")));
        var s = SettingsCodec.fromMap(in, "x");
        assertThat(s.defaultLanguage()).isEqualTo(Language.KK);
        assertThat(s.quietHours().from()).isEqualTo(LocalTime.of(20, 0));
        assertThat(s.escalation().contacts())
                .extracting(TenantSettings.Escalation.Contact::name)
                .containsExactly("A", "B");
        assertThat(s.escalation().contacts().get(1).phone()).isEqualTo("77019998877");
        assertThat(s.templates().text(TemplateKind.GREETING, Language.RU, Language.KK, "Aida"))
                .isEqualTo("Привет из Aida");
        assertThat(s.templates().text(TemplateKind.FALLBACK, Language.EN, Language.KK, "Aida"))
                .isEqualTo("One text for all");
        // a kind the tenant did not word: the default in the customer's language
        assertThat(s.templates().text(TemplateKind.THANKS, Language.EN, Language.KK, "Aida"))
                .startsWith("You're welcome");
        assertThat(SettingsCodec.fromMap(SettingsCodec.toMap(s), "x")).isEqualTo(s);
    }

    @Test
    void eachBadFieldIsRejectedByItsPath() {
        rejects(Map.of("timezone", "Mars/Olympus"), "timezone");
        rejects(Map.of("languages", List.of("ru", "de")), "languages[1]");
        rejects(Map.of("languages", List.of()), "languages");
        rejects(Map.of("tone", "rude"), "tone");
        rejects(Map.of("templates", Map.of("welcome", "hi")), "templates.welcome");
        rejects(Map.of("templates", Map.of("greeting", Map.of("de", "Hallo"))), "templates.greeting.de");
        rejects(Map.of("templates", Map.of("greeting", "")), "templates.greeting");
        rejects(Map.of("quietHours", Map.of("from", "25:00")), "quietHours.from");
        rejects(Map.of("quietHours", Map.of("from", "09:00", "to", "09:00")), "quietHours.to");
        rejects(Map.of("quietHours", Map.of("days", List.of("monday"))), "quietHours.days[0]");
        rejects(Map.of("quietHours", Map.of("behaviour", "sleep")), "quietHours.behaviour");
        rejects(
                Map.of("escalation", Map.of("contacts", List.of(Map.of("name", "A", "phone", "12ab")))),
                "escalation.contacts[0].phone");
        rejects(
                Map.of("escalation", Map.of("contacts", List.of(Map.of("phone", "77019998877")))),
                "escalation.contacts[0].name");
        rejects(Map.of("quota", Map.of("monthlyMessages", -1)), "quota.monthlyMessages");
        rejects(Map.of("quota", Map.of("atLimit", "explode")), "quota.atLimit");
        rejects(Map.of("rateLimit", Map.of("windowSeconds", 0)), "rateLimit.windowSeconds");
        rejects(Map.of("retentionDays", 0), "retentionDays");
        rejects(Map.of("retentionDays", "ninety"), "retentionDays");
        rejects(Map.of("groups", "yes"), "groups");
        rejects(Map.of("ignoreNumbers", List.of(77010000001L)), "ignoreNumbers[0]");
        rejects(Map.of("quickReplies", List.of(Map.of("pattern", "|", "reply", "x"))), "quickReplies[0].pattern");
        rejects(Map.of("businessName", "Line\nbreak"), "businessName");
        rejects(Map.of("timeZone", "Asia/Almaty"), "timeZone");
    }

    @Test
    void aModelProviderRoundTripsWithItsKeyOnlySealedAndIsShownWithoutIt() {
        var s = SettingsCodec.fromMap(
                Map.of(
                        "model",
                        Map.of(
                                "provider", "anthropic",
                                "mainModel", "claude-3-5-haiku-latest",
                                "cheapModel", "claude-3-haiku",
                                "apiKeySealed", "v1.abcd1234.nonce.cipher")),
                "Salon");
        assertThat(s.model().kind()).isEqualTo(io.wagw.assistant.model.ProviderKind.ANTHROPIC);
        assertThat(SettingsCodec.fromMap(SettingsCodec.toMap(s), "Salon")).isEqualTo(s);
        assertThat(SettingsCodec.toMap(s).get("model")).asString().contains("apiKeySealed");
        @SuppressWarnings("unchecked")
        var shown = (Map<String, Object>) SettingsCodec.toApiMap(s).get("model");
        assertThat(shown.get("apiKeySet")).isEqualTo(true);
        assertThat(shown).doesNotContainKeys("apiKey", "apiKeySealed");
        assertThat(SettingsCodec.toApiMap(TenantSettings.defaults("Salon"))).doesNotContainKey("model");
        rejects(Map.of("model", Map.of("provider", "openai", "mainModel", "m", "extra", 1)), "model.extra");
        rejects(Map.of("model", "openai"), "model");
    }
}
