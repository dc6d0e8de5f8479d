package io.wagw.router.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StableHashTest {

    /** Reference values computed with the system's libxxhash (XXH64, seed 0) for inputs covering every tail path. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|ef46db3751d8e999",
                "a|d24ec4f1a98c6e5b",
                "abc|44bc2cf5ad770999",
                "session-42|2389e998631f091e",
                "tenant-7/sales-line-01|e894a5b2161c76b4",
                "0123456789abcdef0123456789abcdef!|8afff4daac4e677e",
                "héllo wörld ☎|e51d472a24726e07",
            })
    void matchesReferenceXxh64(String text, String expectedHex) {
        assertThat(Long.toHexString(StableHash.of(text))).isEqualTo(expectedHex);
    }

    @Test
    void matchesReferenceXxh64OnLongInputWithSeed() {
        byte[] hundredX = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        assertThat(StableHash.xxh64(hundredX, 0L)).isEqualTo(0x92f0de5a88a3c094L);
        assertThat(StableHash.xxh64(hundredX, 0x9E3779B97F4A7C15L)).isEqualTo(0x484ebde963fcb45bL);
        assertThat(StableHash.xxh64(new byte[0], 0x9E3779B97F4A7C15L)).isEqualTo(0xc4349fc93c010000L);
    }

    @Test
    void similarSessionNamesLandFarApartOnTheRing() {
        // Sequential names must spread over the whole ring, or one arc would attract a whole tenant.
        int[] buckets = new int[16];
        for (int i = 0; i < 16_000; i++) {
            buckets[(int) (StableHash.of("tenant-1/session-" + i) >>> 60)]++;
        }
        assertThat(Arrays.stream(buckets).boxed())
                .allSatisfy(count -> assertThat(count).isBetween(850, 1150));
    }
}
