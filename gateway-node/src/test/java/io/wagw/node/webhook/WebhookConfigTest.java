package io.wagw.node.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.StoreException;
import io.wagw.store.webhook.RetryPlan;
import io.wagw.store.webhook.WebhookHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {

    private static Map<String, Object> webhook(String url, Object events) {
        Map<String, Object> w = new HashMap<>();
        w.put("url", url);
        w.put("events", events);
        return w;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> w = new HashMap<>(base);
        w.put(key, value);
        return w;
    }

    private static void assertRefused(Object webhooks, String field) {
        assertThatThrownBy(() -> WebhookConfig.parse(webhooks))
                .isInstanceOfSatisfying(StoreException.InvalidInput.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + " ");
                });
    }

    @Test
    void parsesWahasFullWebhookShape() {
        var parsed = WebhookConfig.parse(List.of(Map.of(
                "url", "https://crm.example/wa?token=abc",
                "events", List.of("message", "session.status"),
                "hmac", Map.of("key", "secret"),
                "retries", Map.of("attempts", 15, "delaySeconds", 2, "policy", "constant"),
                "customHeaders",
                        List.of(
                                Map.of("name", "X-Api-Key", "value", "k1"),
                                Map.of("name", "Authorization", "value", "Bearer t")))));

        assertThat(parsed).singleElement().satisfies(w -> {
            assertThat(w.url()).isEqualTo("https://crm.example/wa?token=abc");
            assertThat(w.events()).containsExactlyInAnyOrder(WebhookEvent.MESSAGE, WebhookEvent.SESSION_STATUS);
            assertThat(w.subscribes(WebhookEvent.MESSAGE_ACK)).isFalse();
            assertThat(w.hmacKey()).isEqualTo("secret");
            assertThat(w.retries().plan()).isEqualTo(new RetryPlan(15, "constant", Duration.ofSeconds(2)));
            assertThat(w.customHeaders())
                    .containsExactly(
                            new WebhookHeader("X-Api-Key", "k1"), new WebhookHeader("Authorization", "Bearer t"));
            assertThat(w.toString()).doesNotContain("secret", "abc");
        });
    }

    @Test
    void optionalPartsDefaultAndStarSubscribesToEverything() {
        Map<String, Object> w = webhook("http://localhost:8080/hook", List.of("*"));
        w.put("hmac", null);
        w.put("retries", null);
        w.put("customHeaders", null);

        var parsed = WebhookConfig.parse(List.of(w)).getFirst();

        assertThat(parsed.events()).containsExactlyInAnyOrder(WebhookEvent.values());
        assertThat(parsed.hmacKey()).isNull();
        assertThat(parsed.retries()).isEqualTo(WebhookConfig.Retries.DEFAULT);
        assertThat(parsed.retries().plan()).isEqualTo(new RetryPlan(10, "exponential", Duration.ofSeconds(5)));
        assertThat(parsed.customHeaders()).isEmpty();
        assertThat(WebhookConfig.parse(null)).isEmpty();
        assertThat(WebhookConfig.fromSessionConfig(Map.of("metadata", Map.of()), skipped -> {
                    throw skipped;
                }))
                .isEmpty();
    }

    @Test
    void readsTheConfigOfADecodedRequestBody() {
        // What the HTTP layer holds after decoding a request: plain maps and lists under getMap().
        var config = new io.vertx.core.json.JsonObject("""
                {"webhooks": [{"url": "https://crm.example/wa", "events": ["message.ack"],
                               "retries": {"attempts": 3, "delaySeconds": 1.5}}]}
                """);

        var parsed = WebhookConfig.fromSessionConfig(config.getMap(), skipped -> {
            throw skipped;
        });

        assertThat(parsed).singleElement().satisfies(w -> {
            assertThat(w.events()).containsExactly(WebhookEvent.MESSAGE_ACK);
            assertThat(w.retries().plan()).isEqualTo(new RetryPlan(3, "exponential", Duration.ofMillis(1500)));
        });
    }

    @Test
    void fractionalDelaysAreAccepted() {
        var parsed = WebhookConfig.parse(List.of(
                        with(webhook("http://h/", List.of("message")), "retries", Map.of("delaySeconds", 0.05))))
                .getFirst();
        assertThat(parsed.retries().delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(parsed.retries().attempts()).isEqualTo(10);
    }

    @Test
    void everyProblemIsRefusedNamingItsField() {
        var ok = webhook("https://crm.example/wa", List.of("message"));
        assertRefused("https://x", "config.webhooks");
        assertRefused(List.of("https://x"), "config.webhooks[0]");
        assertRefused(Collections.nCopies(21, ok), "config.webhooks");
        assertRefused(List.of(ok, webhook(null, List.of("message"))), "config.webhooks[1].url");
        assertRefused(List.of(webhook("ftp://crm.example/wa", List.of("message"))), "config.webhooks[0].url");
        assertRefused(List.of(webhook("crm.example/wa", List.of("message"))), "config.webhooks[0].url");
        assertRefused(List.of(webhook("https://user:pw@crm.example/wa", List.of("message"))), "config.webhooks[0].url");
        assertRefused(List.of(webhook("https://crm.example/a b", List.of("message"))), "config.webhooks[0].url");
        assertRefused(
                List.of(webhook("https://crm.example/" + "a".repeat(2100), List.of("message"))),
                "config.webhooks[0].url");
        assertRefused(List.of(webhook("https://crm.example/wa", null)), "config.webhooks[0].events");
        assertRefused(List.of(webhook("https://crm.example/wa", List.of())), "config.webhooks[0].events");
        assertRefused(List.of(webhook("https://crm.example/wa", "message")), "config.webhooks[0].events");
        assertRefused(
                List.of(webhook("https://crm.example/wa", List.of("message", "message.any"))),
                "config.webhooks[0].events[1]");
        assertRefused(List.of(webhook("https://crm.example/wa", List.of(7))), "config.webhooks[0].events[0]");
        assertRefused(List.of(with(ok, "secret", "x")), "config.webhooks[0].secret");
        assertRefused(List.of(with(ok, "hmac", "key")), "config.webhooks[0].hmac");
        assertRefused(List.of(with(ok, "hmac", Map.of("key", ""))), "config.webhooks[0].hmac.key");
        assertRefused(List.of(with(ok, "hmac", Map.of("key", 42))), "config.webhooks[0].hmac.key");
        assertRefused(List.of(with(ok, "hmac", Map.of("algo", "sha1"))), "config.webhooks[0].hmac.algo");
        assertRefused(List.of(with(ok, "retries", Map.of("attempts", 0))), "config.webhooks[0].retries.attempts");
        assertRefused(List.of(with(ok, "retries", Map.of("attempts", 51))), "config.webhooks[0].retries.attempts");
        assertRefused(List.of(with(ok, "retries", Map.of("attempts", 2.5))), "config.webhooks[0].retries.attempts");
        assertRefused(List.of(with(ok, "retries", Map.of("attempts", "3"))), "config.webhooks[0].retries.attempts");
        assertRefused(
                List.of(with(ok, "retries", Map.of("delaySeconds", 0))), "config.webhooks[0].retries.delaySeconds");
        assertRefused(
                List.of(with(ok, "retries", Map.of("delaySeconds", 4000))), "config.webhooks[0].retries.delaySeconds");
        assertRefused(List.of(with(ok, "retries", Map.of("policy", "fibonacci"))), "config.webhooks[0].retries.policy");
        assertRefused(List.of(with(ok, "retries", Map.of("max", 1))), "config.webhooks[0].retries.max");
        assertRefused(List.of(with(ok, "customHeaders", Map.of("name", "a"))), "config.webhooks[0].customHeaders");
        assertRefused(
                List.of(with(ok, "customHeaders", List.of(Map.of("name", "Bad Name", "value", "v")))),
                "config.webhooks[0].customHeaders[0].name");
        assertRefused(
                List.of(with(
                        ok,
                        "customHeaders",
                        List.of(Map.of("name", "X-A", "value", "v"), Map.of("name", "Host", "value", "v")))),
                "config.webhooks[0].customHeaders[1].name");
        assertRefused(
                List.of(with(ok, "customHeaders", List.of(Map.of("name", "X-Webhook-Hmac", "value", "forged")))),
                "config.webhooks[0].customHeaders[0].name");
        assertRefused(
                List.of(with(ok, "customHeaders", List.of(Map.of("name", "X-A", "value", "line\r\nInjected: 1")))),
                "config.webhooks[0].customHeaders[0].value");
        List<Object> missingValue = new ArrayList<>();
        missingValue.add(Map.of("name", "X-A"));
        assertRefused(List.of(with(ok, "customHeaders", missingValue)), "config.webhooks[0].customHeaders[0].value");
    }

    @Test
    void schemeAndHostAreKeptInLowerCaseAndTheRestAsGiven() {
        var parsed = WebhookConfig.parse(List.of(
                webhook("HTTPS://CRM.Example:8443/Wa/Hook?Token=AbC", List.of("message")),
                webhook("Http://[FD00::1]/x", List.of("message"))));
        assertThat(parsed)
                .extracting(WebhookConfig::url)
                .containsExactly("https://crm.example:8443/Wa/Hook?Token=AbC", "http://[fd00::1]/x");
    }

    @Test
    void aNumericHostThatIsNotADottedAddressIsRefused() {
        // Resolvers disagree on what 127.1, 2130706433 or 0177.0.0.1 mean.
        for (String host : List.of("127.1", "2130706433", "0177.0.0.1")) {
            assertRefused(List.of(webhook("http://" + host + "/hook", List.of("message"))), "config.webhooks[0].url");
        }
    }

    @Test
    void anIpAddressTheNodeRefusesIsRefusedNamingTheFieldAndTheKindOfAddress() {
        var ok = webhook("https://crm.example/wa", List.of("message"));
        Map<String, String> refused = Map.of(
                "http://127.0.0.1:5701/", "127.0.0.1 (loopback)",
                "http://10.1.2.3/hook", "10.1.2.3 (private)",
                "http://169.254.169.254/latest/meta-data/", "169.254.169.254 (cloud metadata)",
                "http://[::ffff:169.254.169.254]/", "169.254.169.254 (cloud metadata)",
                "http://[fd00:ec2::254]/", "(cloud metadata)",
                "http://[::1]:8080/", "(loopback)",
                "http://0.0.0.0:3000/", "0.0.0.0 (unspecified)",
                "http://100.64.1.1/", "100.64.1.1 (carrier-grade NAT)");
        refused.forEach((url, why) -> assertThatThrownBy(() -> WebhookConfig.parse(
                        List.of(ok, webhook(url, List.of("message"))), DestinationPolicy.PUBLIC_ONLY))
                .as(url)
                .isInstanceOfSatisfying(StoreException.InvalidInput.class, e -> {
                    assertThat(e.field()).isEqualTo("config.webhooks[1].url");
                    assertThat(e.getMessage()).contains(why).contains("GW_WEBHOOK_ALLOW_NETWORKS");
                }));
        assertThat(WebhookConfig.parse(
                        List.of(webhook("http://93.184.216.34/hook", List.of("message"))),
                        DestinationPolicy.PUBLIC_ONLY))
                .hasSize(1);
        assertThat(WebhookConfig.parse(
                        List.of(webhook("http://localhost:8080/hook", List.of("message"))),
                        DestinationPolicy.PUBLIC_ONLY))
                .as("a name is checked when a webhook is sent, against what it resolves to then")
                .hasSize(1);
    }

    @Test
    void anAllowedNetworkAdmitsItsAddresses() {
        var onPremise = new DestinationPolicy(List.of(Cidr.parse("10.20.0.0/16"), Cidr.parse("127.0.0.0/8")));
        assertThat(WebhookConfig.parse(
                        List.of(
                                webhook("http://10.20.0.5:8080/hook", List.of("message")),
                                webhook("http://127.0.0.1:9000/hook", List.of("message"))),
                        onPremise))
                .hasSize(2);
        assertThatThrownBy(() ->
                        WebhookConfig.parse(List.of(webhook("http://10.21.0.5/hook", List.of("message"))), onPremise))
                .isInstanceOf(StoreException.InvalidInput.class);
    }

    @Test
    void oneInvalidWebhookOfAStoredConfigIsSkippedAndTheOthersAreUsable() {
        var skipped = new ArrayList<String>();
        var usable = WebhookConfig.fromSessionConfig(
                Map.of(
                        "webhooks",
                        List.of(
                                webhook("https://a.example/hook", List.of("message")),
                                webhook("https://b.example/hook", List.of("presence.update")),
                                webhook("HTTP://C.example/hook", List.of("message")))),
                e -> skipped.add(e.field()));

        assertThat(usable)
                .extracting(WebhookConfig::url)
                .containsExactly("https://a.example/hook", "http://c.example/hook");
        assertThat(skipped).containsExactly("config.webhooks[1].events[0]");
        assertThat(WebhookConfig.fromSessionConfig(
                        Map.of("webhooks", "https://a.example"), e -> skipped.add(e.field())))
                .isEmpty();
        assertThat(skipped).last().isEqualTo("config.webhooks");
    }

    @Test
    void anInvalidEventNameIsNamedButAHmacKeyIsNeverEchoed() {
        assertThatThrownBy(() -> WebhookConfig.parse(List.of(webhook("https://h/", List.of("presence.update")))))
                .hasMessageContaining("presence.update")
                .hasMessageContaining("message, message.ack, session.status");
        assertThatThrownBy(() -> WebhookConfig.parse(List.of(
                        with(webhook("https://h/", List.of("message")), "hmac", Map.of("key", "k".repeat(1025))))))
                .hasMessageNotContaining("kkkk");
    }
}
