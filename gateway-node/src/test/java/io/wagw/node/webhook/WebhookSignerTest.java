package io.wagw.node.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void signsTheRawBodyAsLowercaseHexHmacSha512() {
        // Reference values from: printf '%s' BODY | openssl dgst -sha512 -hmac KEY
        assertThat(WebhookSigner.sign("my-secret", "{\"event\":\"message\"}"))
                .isEqualTo(
                        "fab031155b9aadbf8e300fd272058884de2e8bea7a4a5416e60b6677dcd62f5dbf3cd6f14d0f5582328c116cec4767e73dbecac77511d0083bbcf1e01a60598e");
        assertThat(WebhookSigner.sign("ключ", "Привет"))
                .as("UTF-8 key and body")
                .isEqualTo(
                        "266bf36c179d3d1140ce468c93d0d1f21d56467f15aa85a883c75ccaff2493d840278f89c8915868c572e5107335e0c972281a311c3b3f60de80d4a065da3af1");
    }

    @Test
    void verificationAcceptsOnlyTheSignatureOfTheExactBody() {
        byte[] body = "{\"event\":\"message\"}".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSigner.sign("my-secret", body);

        assertThat(WebhookSigner.verify("my-secret", body, signature)).isTrue();
        assertThat(WebhookSigner.verify("my-secret", body, signature.toUpperCase()))
                .isTrue();
        assertThat(WebhookSigner.verify("other-secret", body, signature)).isFalse();
        assertThat(WebhookSigner.verify(
                        "my-secret", "{\"event\": \"message\"}".getBytes(StandardCharsets.UTF_8), signature))
                .as("one added space")
                .isFalse();
        assertThat(WebhookSigner.verify("my-secret", body, null)).isFalse();
    }
}
