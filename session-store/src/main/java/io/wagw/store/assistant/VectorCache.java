package io.wagw.store.assistant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.PriorityQueue;

/**
 * The dense vectors of knowledge versions held in memory for {@link Knowledge#search}, keyed by tenant, version
 * and model, bounded by the number of floats held: the least recently used versions are dropped first, and a
 * version larger than the whole bound is never held (its search reads the vectors from the database).
 * Versions never change once stored, except when their vectors are computed again, which drops the tenant's
 * entries like an upload or a restore does.
 */
public final class VectorCache {
    /** 4 Mi floats, 16 MiB: about 11,000 chunks of a 384-dimension model. */
    public static final long DEFAULT_MAX_FLOATS = 4L << 20;

    /** A version's vectors by the model that computed them. */
    record Key(long tenant, long versionId, String model) {}

    /**
     * A version's vectors: the chunks' ids and their vectors scaled to length 1, one after the other, so that
     * a dot product is the cosine similarity.
     */
    record Index(long[] ids, float[] units, int dimension) {
        static Index of(long[] ids, float[][] vectors, int dimension) {
            float[] units = new float[ids.length * dimension];
            for (int i = 0; i < ids.length; i++) {
                float[] v = vectors[i];
                double norm = 0;
                for (float x : v) {
                    norm += (double) x * x;
                }
                double scale = norm == 0 ? 0 : 1 / Math.sqrt(norm);
                for (int d = 0; d < dimension; d++) {
                    units[i * dimension + d] = (float) (v[d] * scale);
                }
            }
            return new Index(ids, units, dimension);
        }

        long floats() {
            return units.length;
        }

        /**
         * The chunks whose cosine similarity to {@code query} reaches {@code floor}, most similar first, at most
         * {@code depth}; ties keep the chunks' order.
         */
        Ranking rank(float[] query, double floor, int depth) {
            if (query.length != dimension || ids.length == 0) {
                return Ranking.NONE;
            }
            double norm = 0;
            for (float x : query) {
                norm += (double) x * x;
            }
            if (norm == 0) {
                return Ranking.NONE;
            }
            double scale = 1 / Math.sqrt(norm);
            // a bounded min-heap of (similarity, position): the worst kept on top
            var heap = new PriorityQueue<double[]>(
                    depth + 1, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
            for (int i = 0; i < ids.length; i++) {
                double dot = 0;
                int base = i * dimension;
                for (int d = 0; d < dimension; d++) {
                    dot += units[base + d] * query[d];
                }
                double similarity = dot * scale;
                if (similarity >= floor) {
                    heap.add(new double[] {similarity, i});
                    if (heap.size() > depth) {
                        heap.poll();
                    }
                }
            }
            var best = new ArrayList<double[]>(heap);
            best.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
            long[] found = new long[best.size()];
            double[] similarities = new double[best.size()];
            for (int i = 0; i < best.size(); i++) {
                found[i] = ids[(int) best.get(i)[1]];
                similarities[i] = best.get(i)[0];
            }
            return new Ranking(found, similarities);
        }
    }

    /** Chunk ids, most similar first, with their cosine similarities. */
    record Ranking(long[] ids, double[] similarities) {
        static final Ranking NONE = new Ranking(new long[0], new double[0]);

        @Override
        public boolean equals(Object o) {
            return o instanceof Ranking r && Arrays.equals(ids, r.ids) && Arrays.equals(similarities, r.similarities);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Ranking" + Arrays.toString(ids);
        }
    }

    private final long maxFloats;
    private final LinkedHashMap<Key, Index> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long floats;

    /** @param maxFloats the most floats held at once, over all versions */
    public VectorCache(long maxFloats) {
        if (maxFloats < 1) {
            throw new IllegalArgumentException("maxFloats must be positive");
        }
        this.maxFloats = maxFloats;
    }

    synchronized Index get(Key key) {
        return entries.get(key);
    }

    /** Holds a version's vectors, dropping the least recently used ones to stay within the bound. */
    synchronized void put(Key key, Index index) {
        Index old = entries.remove(key);
        if (old != null) {
            floats -= old.floats();
        }
        if (index.floats() > maxFloats) {
            return;
        }
        var eldest = entries.entrySet().iterator();
        while (floats + index.floats() > maxFloats && eldest.hasNext()) {
            floats -= eldest.next().getValue().floats();
            eldest.remove();
        }
        entries.put(key, index);
        floats += index.floats();
    }

    /** Drops every version of the tenant. */
    synchronized void invalidate(long tenant) {
        var it = entries.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().tenant() == tenant) {
                floats -= e.getValue().floats();
                it.remove();
            }
        }
    }

    /** The floats held now, at most the bound. */
    public synchronized long floats() {
        return floats;
    }

    /** The versions held now. */
    public synchronized int versions() {
        return entries.size();
    }

    public long maxFloats() {
        return maxFloats;
    }
}
