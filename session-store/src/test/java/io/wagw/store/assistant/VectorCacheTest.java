package io.wagw.store.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.store.assistant.VectorCache.Index;
import io.wagw.store.assistant.VectorCache.Key;
import org.junit.jupiter.api.Test;

class VectorCacheTest {
    private static Index index(int chunks, int dimension) {
        long[] ids = new long[chunks];
        float[][] vectors = new float[chunks][dimension];
        for (int i = 0; i < chunks; i++) {
            ids[i] = i + 1;
            vectors[i][i % dimension] = 1;
        }
        return Index.of(ids, vectors, dimension);
    }

    @Test
    void staysWithinItsBoundDroppingTheLeastRecentlyUsedVersions() {
        var cache = new VectorCache(1_000);
        for (int tenant = 1; tenant <= 50; tenant++) {
            cache.put(new Key(tenant, tenant, "m"), index(10, 30)); // 300 floats each
            assertThat(cache.floats()).isLessThanOrEqualTo(1_000);
        }
        assertThat(cache.versions()).isEqualTo(3);
        assertThat(cache.floats()).isEqualTo(900);
        assertThat(cache.get(new Key(50, 50, "m"))).isNotNull();
        assertThat(cache.get(new Key(1, 1, "m"))).isNull();

        cache.get(new Key(48, 48, "m")); // used now: the next put drops 49, not 48
        cache.put(new Key(51, 51, "m"), index(10, 30));
        assertThat(cache.get(new Key(48, 48, "m"))).isNotNull();
        assertThat(cache.get(new Key(49, 49, "m"))).isNull();
        assertThat(cache.floats()).isEqualTo(900);
    }

    @Test
    void aVersionLargerThanTheBoundIsNotHeldAndDropsNothing() {
        var cache = new VectorCache(1_000);
        cache.put(new Key(1, 1, "m"), index(10, 30));
        cache.put(new Key(2, 2, "m"), index(40, 30)); // 1,200 floats
        assertThat(cache.get(new Key(2, 2, "m"))).isNull();
        assertThat(cache.get(new Key(1, 1, "m"))).isNotNull();
        assertThat(cache.floats()).isEqualTo(300);
    }

    @Test
    void invalidatingATenantDropsAllItsVersionsAndOnlyThem() {
        var cache = new VectorCache(10_000);
        cache.put(new Key(1, 1, "m"), index(10, 30));
        cache.put(new Key(1, 2, "other"), index(10, 30));
        cache.put(new Key(2, 3, "m"), index(10, 30));
        cache.put(new Key(1, 1, "m"), index(10, 30)); // again: counted once
        assertThat(cache.floats()).isEqualTo(900);
        cache.invalidate(1);
        assertThat(cache.versions()).isEqualTo(1);
        assertThat(cache.floats()).isEqualTo(300);
        assertThat(cache.get(new Key(2, 3, "m"))).isNotNull();
    }

    @Test
    void rankingIsByCosineAboveTheFloorMostSimilarFirst() {
        long[] ids = {10, 20, 30, 40};
        float[][] vectors = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {-1, 0, 0}};
        Index index = Index.of(ids, vectors, 3);
        var ranking = index.rank(new float[] {2, 0.2f, 0}, 0.05, 10);
        assertThat(ranking.ids()).containsExactly(10, 30, 20);
        assertThat(ranking.similarities()[0]).isCloseTo(0.995, org.assertj.core.data.Offset.offset(0.001));
        assertThat(index.rank(new float[] {2, 0.2f, 0}, 0.1, 1).ids()).containsExactly(10);
        assertThat(index.rank(new float[] {0, 0, 1}, 0.1, 10).ids())
                .as("nothing similar")
                .isEmpty();
        assertThat(index.rank(new float[] {1, 0}, 0.1, 10).ids())
                .as("another dimension")
                .isEmpty();
        assertThat(index.rank(new float[] {0, 0, 0}, 0.1, 10).ids()).isEmpty();
    }
}
