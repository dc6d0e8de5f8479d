package io.wagw.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.message.InboundRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboundSpoolTest {
    @TempDir
    Path dir;

    private static InboundSpool.Inbound message(String id, String body) {
        return new InboundSpool.Inbound(
                "salon",
                new InboundRecord("s-1", "77011234567@c.us", id, body, Instant.ofEpochMilli(1_700_000_000_123L), true));
    }

    @Test
    void whatWasSpooledSurvivesARestartAndIsHandedOverOnceStored() {
        var spool = InboundSpool.open(dir);
        spool.append(message("false_77011234567@c.us_A", "Hello \"salon\"\nsecond line, emoji \uD83D\uDE00"));
        spool.append(new InboundSpool.Handled("s-1", "false_77011234567@c.us_B"));
        assertThat(spool.pending()).isEqualTo(2);

        var reopened = InboundSpool.open(dir); // as after a crash
        assertThat(reopened.pending()).isEqualTo(2);
        List<InboundSpool.Entry> got = new ArrayList<>();
        assertThat(reopened.drain(got::addAll)).isEqualTo(2);
        assertThat(got)
                .containsExactly(
                        message("false_77011234567@c.us_A", "Hello \"salon\"\nsecond line, emoji \uD83D\uDE00"),
                        new InboundSpool.Handled("s-1", "false_77011234567@c.us_B"));
        assertThat(reopened.pending()).isZero();
        assertThat(InboundSpool.open(dir).pending()).as("nothing left on disk").isZero();
    }

    @Test
    void aFailedDrainKeepsEverythingForTheNextOne() {
        var spool = InboundSpool.open(dir);
        spool.append(message("false_77011234567@c.us_A", "one"));
        assertThatThrownBy(() -> spool.drain(entries -> {
                    throw new IllegalStateException("database away");
                }))
                .hasMessage("database away");
        spool.append(message("false_77011234567@c.us_B", "two")); // goes to a new segment meanwhile
        assertThat(spool.pending()).isEqualTo(2);
        List<String> bodies = new ArrayList<>();
        spool.drain(entries -> entries.forEach(
                e -> bodies.add(((InboundSpool.Inbound) e).record().body())));
        assertThat(bodies).containsExactly("one", "two");
        assertThat(spool.pending()).isZero();
    }

    @Test
    void aLineCutShortByACrashIsSkippedAndTheRestKept() throws Exception {
        var spool = InboundSpool.open(dir);
        spool.append(message("false_77011234567@c.us_A", "whole"));
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.findFirst().orElseThrow();
        }
        Files.writeString(
                segment,
                "{\"kind\":\"in\",\"session\":\"s-1\",\"bo",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        var reopened = InboundSpool.open(dir);
        assertThat(reopened.pending()).isEqualTo(1);
        List<InboundSpool.Entry> got = new ArrayList<>();
        reopened.drain(got::addAll);
        assertThat(got).hasSize(1);
    }

    @Test
    void aFullSpoolRefusesAndCountsIt() {
        var spool = InboundSpool.open(dir, 2);
        spool.append(message("false_77011234567@c.us_A", "one"));
        spool.append(message("false_77011234567@c.us_B", "two"));
        assertThatThrownBy(() -> spool.append(message("false_77011234567@c.us_C", "three")))
                .isInstanceOf(InboundSpool.Full.class);
        assertThat(spool.refusedTotal()).isEqualTo(1);
        assertThat(spool.pending()).isEqualTo(2);
    }
}
