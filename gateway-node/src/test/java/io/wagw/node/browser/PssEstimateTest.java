package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PssEstimateTest {
    private static final long S = 1_000_000_000L;
    private static final List<String> ONE = List.of("b1#1");

    @Test
    void theFirstReadingIsFullThenTheResidentAnonymousMemoryCarriesItForward() {
        var pss = new PssEstimate();
        assertThat(pss.due(0, ONE)).isEqualTo(PssEstimate.Due.FULL);
        assertThat(pss.bytes()).isZero();

        pss.full(0, ONE, 1_000, 1_100);
        assertThat(pss.bytes()).isEqualTo(1_000);
        assertThat(pss.due(5 * S, ONE)).isEqualTo(PssEstimate.Due.NOTHING);
        assertThat(pss.due(11 * S, ONE)).isEqualTo(PssEstimate.Due.ANON);

        pss.anon(11 * S, 2_200); // twice the resident anonymous memory: twice the PSS
        assertThat(pss.bytes()).isEqualTo(2_000);
        assertThat(pss.due(15 * S, ONE)).isEqualTo(PssEstimate.Due.NOTHING);
        pss.anon(22 * S, 550);
        assertThat(pss.bytes()).isEqualTo(500);
    }

    @Test
    void aFullReadingComesAfterFiveMinutesAndWheneverTheBrowsersChanged() {
        var pss = new PssEstimate();
        pss.full(0, ONE, 1_000, 1_100);
        assertThat(pss.due(299 * S, ONE)).isEqualTo(PssEstimate.Due.ANON);
        assertThat(pss.due(301 * S, ONE)).isEqualTo(PssEstimate.Due.FULL);
        assertThat(pss.due(1 * S, List.of("b1#2"))).isEqualTo(PssEstimate.Due.FULL); // restarted
        assertThat(pss.due(1 * S, List.of("b1#1", "b2#1"))).isEqualTo(PssEstimate.Due.FULL); // launched
        assertThat(pss.due(1 * S, List.of())).isEqualTo(PssEstimate.Due.FULL); // closed

        pss.full(301 * S, List.of("b1#1", "b2#1"), 3_000, 3_000);
        assertThat(pss.bytes()).isEqualTo(3_000);
        assertThat(pss.due(302 * S, List.of("b1#1", "b2#1"))).isEqualTo(PssEstimate.Due.NOTHING);
    }

    @Test
    void withoutAResidentAnonymousReadingTheLastPssStays() {
        var pss = new PssEstimate();
        pss.full(0, ONE, 1_000, 0); // status unreadable at the full reading
        pss.anon(11 * S, 5_000);
        assertThat(pss.bytes()).isEqualTo(1_000);
        pss.full(20 * S, ONE, 1_000, 1_000);
        pss.anon(31 * S, 0); // the processes ended meanwhile
        assertThat(pss.bytes()).isEqualTo(1_000);
    }

    @Test
    void theReadingsOfARealProcessTree() {
        long self = ProcessHandle.current().pid();
        var full = ChromiumProcesses.memoryWithDescendants(self, true);
        var anon = ChromiumProcesses.memoryWithDescendants(self, false);
        assertThat(full.pssBytes()).isPositive();
        assertThat(full.anonBytes()).isPositive();
        assertThat(anon.pssBytes()).isZero(); // no page-table walk asked for
        assertThat(anon.anonBytes()).isPositive();
        assertThat(ChromiumProcesses.memoryWithDescendants(Long.MAX_VALUE, true))
                .isEqualTo(ChromiumProcesses.Memory.NONE);
    }
}
