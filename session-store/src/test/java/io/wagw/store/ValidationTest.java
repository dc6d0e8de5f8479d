package io.wagw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void aMultiLineTextMayHoldTabsAndLineBreaksButNoOtherControlCharacter() {
        assertThat(Validation.multiLine("text", "one\r\n\ttwo")).isEqualTo("one\r\n\ttwo");
        for (String bad : new String[] {"\u0000", "a\u0001", "\u001b[2J", "del\u007f", "\u000b", "\u001f"}) {
            assertThatThrownBy(() -> Validation.multiLine("text", bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            StoreException.InvalidInput.class,
                            e -> assertThat(e.field()).isEqualTo("text"));
        }
    }

    @Test
    void aSingleLineValueHoldsNoControlCharacterAtAll() {
        assertThat(Validation.singleLine("key", "Salon Aida ✂")).isEqualTo("Salon Aida ✂");
        for (String bad : new String[] {"a\nb", "a\rb", "a\tb", "\u0000"}) {
            assertThatThrownBy(() -> Validation.singleLine("key", bad))
                    .as(bad)
                    .isInstanceOf(StoreException.InvalidInput.class)
                    .hasMessageContaining("key");
        }
    }

    @Test
    void theRefusalSaysWhichCharacterAndWhereWithoutEchoingTheValue() {
        assertThatThrownBy(() -> Validation.multiLine("config.autoReply", "secret\u0000"))
                .hasMessage(
                        "config.autoReply must not contain control characters (U+0000 at index 6); only tab and line breaks are allowed")
                .hasMessageNotContaining("secret");
    }

    @Test
    void onlyNulIsReplacedToMakeATextStorable() {
        assertThat(Validation.storable("a\u0000b\u0001\n")).isEqualTo("a\uFFFDb\u0001\n");
        assertThat(Validation.storable(null)).isNull();
        String plain = "plain";
        assertThat(Validation.storable(plain)).isSameAs(plain);
    }
}
