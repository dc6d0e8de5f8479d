package io.wagw.assistant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.assistant.model.ModelPrompt.ActivePrompt;
import io.wagw.assistant.pipeline.Answerer.CustomerContext;
import io.wagw.assistant.settings.Language;
import io.wagw.assistant.settings.TenantSettings;
import io.wagw.store.assistant.Knowledge.Hit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompt, the model routing and the prices: pure. */
class ModelPromptTest {
    private static final TenantSettings SALON = TenantSettings.defaults("Salon Aida");

    private static Hit hit(int ordinal, String heading, String text) {
        return new Hit(3, ordinal, heading, text, 0.03, 0.1, 0.5);
    }

    @Test
    void thePromptHoldsTheTenantsPromptTheRulesTheKnowledgeInOrderAndTheCustomer() {
        var m = ModelPrompt.build(
                new ActivePrompt(2, "You are Aida's receptionist.", "gpt-4o-mini", 0.2),
                SALON,
                Language.RU,
                List.of(hit(1, "Prices > Nails", "Маникюр — 12 000 ₸"), hit(4, "", "Sunday closed")),
                new CustomerContext("Dana", 3, "asked about pedicure", List.of("customer: сколько педикюр?")),
                "  сколько маникюр?  ");

        assertThat(m.user()).isEqualTo("сколько маникюр?");
        assertThat(m.system())
                .startsWith("You are Aida's receptionist.")
                .contains("Business: Salon Aida")
                .contains("Answer in Russian")
                .contains("at most 1000 characters")
                .contains("reply with exactly NO_ANSWER")
                .contains("[1] Prices > Nails: Маникюр — 12 000 ₸\n[2] Sunday closed\n")
                .contains("Name: Dana")
                .contains("Summary: asked about pedicure")
                .contains("customer: сколько педикюр?");
    }

    @Test
    void knowledgeAndMemoryStayWithinTheirBudgetsKeepingTheBestChunksAndTheNewestMessages() {
        var hits = new ArrayList<Hit>();
        for (int i = 1; i <= 20; i++) {
            hits.add(hit(i, "Section " + i, "x".repeat(1_000)));
        }
        var recent = new ArrayList<String>();
        for (int i = 1; i <= 200; i++) {
            recent.add("customer: message number " + i);
        }
        var m = ModelPrompt.build(
                ActivePrompt.builtIn(),
                SALON,
                Language.EN,
                hits,
                new CustomerContext("Dana", 200, null, recent),
                "price?");

        String knowledge = m.system()
                .substring(m.system().indexOf("KNOWLEDGE:"), m.system().indexOf("CUSTOMER"));
        assertThat(knowledge.length())
                .isLessThanOrEqualTo(ModelPrompt.KNOWLEDGE_TOKENS * ModelPrompt.CHARS_PER_TOKEN + 20);
        assertThat(knowledge).contains("Section 1:").doesNotContain("Section 20:");
        String memory = m.system().substring(m.system().indexOf("CUSTOMER"));
        assertThat(memory.length()).isLessThanOrEqualTo(ModelPrompt.MEMORY_TOKENS * ModelPrompt.CHARS_PER_TOKEN + 60);
        assertThat(memory).contains("message number 200").doesNotContain("message number 1\n");
    }

    @Test
    void shortSimpleMessagesGoToTheCheapModelTheRestToTheMainOne() {
        assertThat(ModelRouting.pick("How much is a manicure?", "main", "cheap"))
                .isEqualTo("cheap");
        assertThat(ModelRouting.pick("Сколько стоит маникюр?", "main", "cheap")).isEqualTo("cheap");
        assertThat(ModelRouting.pick("How much is a manicure? And a pedicure?", "main", "cheap"))
                .isEqualTo("main");
        assertThat(ModelRouting.pick("Hello!\nHow much is it?", "main", "cheap"))
                .isEqualTo("main");
        assertThat(ModelRouting.pick("x".repeat(ModelRouting.SHORT_CHARS + 1), "main", "cheap"))
                .isEqualTo("main");
        assertThat(ModelRouting.pick("How much is a manicure?", "main", null)).isEqualTo("main");
    }

    @Test
    void pricesAreParsedPerModelAndBadOnesNamed() {
        var p = Prices.parse("gpt-4o-mini=0.15/0.60, claude-3-5-haiku-latest=0.8/4");
        assertThat(p.cost("gpt-4o-mini", 1_000_000, 1_000_000)).isEqualTo(0.75);
        assertThat(p.cost("claude-3-5-haiku-latest", 1_000, 500)).isEqualTo((800.0 + 2_000) / 1e6);
        assertThat(p.cost("unknown", 1_000, 1_000)).isZero();
        assertThatThrownBy(() -> Prices.parse("gpt=cheap")).hasMessageContaining("'gpt=cheap'");
        assertThatThrownBy(() -> Prices.parse("gpt=1/-2")).hasMessageContaining("non-negative");
    }

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        var now = java.time.Instant.parse("2026-12-02T10:00:00Z");
        assertThat(ProviderHttpClient.retryAfter(java.util.Map.of("Retry-After", List.of("2")), now))
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(ProviderHttpClient.retryAfter(
                        java.util.Map.of("retry-after", List.of("Wed, 02 Dec 2026 10:00:05 GMT")), now))
                .isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(ProviderHttpClient.retryAfter(java.util.Map.of("Retry-After", List.of("soon")), now))
                .isNull();
        assertThat(ProviderHttpClient.retryAfter(java.util.Map.of(), now)).isNull();
    }

    @Test
    void aProviderConfigNeverShowsItsKey() {
        var c = new ProviderConfig(
                "primary", ProviderKind.OPENAI, null, "sk-secret", "m", null, java.time.Duration.ofSeconds(1), 0);
        assertThat(c.toString()).doesNotContain("sk-secret").contains("https://api.openai.com/v1");
    }
}
