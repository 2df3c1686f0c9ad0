package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.source.HalfFloats;

import java.util.Arrays;
import dev.cossim.results.DistinctCounts;

/**
 * The multiset of pair values of a (sub)matrix, at float16 and at float32 precision: how many values there are, how
 * many distinct, and each distinct value with its count (the seed's Part 3: BERT's unused tokens share only a few
 * distinct similarities). Float16 values are counted exactly in 65,536 bins (round to nearest even, as numpy and torch
 * cast); float32 values are kept as sorted distinct keys with counts, fed through a buffer that is sorted and folded
 * in when full, so memory follows the number of distinct values. -0.0 counts as 0.0, as numpy.unique has it.
 */
public final class DistinctValues implements TileReducer<DistinctValues>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] half = new long[1 << 16];
    private int[] keys = new int[0];
    private long[] counts = new long[0];
    private int[] buffer = new int[1 << 14];
    private int buffered;
    private long total;

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                add(v[base + j]);
            }
        }
    }

    public void add(float value) {
        float x = value + 0.0f; // -0.0 -> 0.0
        half[Float.floatToFloat16(x) & 0xffff]++;
        if (buffered == buffer.length) {
            flush();
        }
        buffer[buffered++] = key(x);
        total++;
    }

    /** An int whose signed order is the float's order. */
    static int key(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static float value(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        Arrays.sort(buffer, 0, buffered);
        int runs = 0;
        int[] rk = new int[buffered];
        long[] rc = new long[buffered];
        for (int q = 0; q < buffered; q++) {
            if (runs > 0 && rk[runs - 1] == buffer[q]) {
                rc[runs - 1]++;
            } else {
                rk[runs] = buffer[q];
                rc[runs++] = 1;
            }
        }
        fold(rk, rc, runs);
        buffered = 0;
        // Keep flushes rarer than the distinct set grows, so folding stays O(n log n) overall.
        if (buffer.length < keys.length) {
            buffer = new int[Math.min(Integer.MAX_VALUE - 8, Math.max(buffer.length * 2, keys.length))];
        }
    }

    /** Merges sorted (key, count) runs into the distinct set. */
    private void fold(int[] rk, long[] rc, int runs) {
        int[] nk = new int[keys.length + runs];
        long[] nc = new long[keys.length + runs];
        int a = 0, b = 0, o = 0;
        while (a < keys.length || b < runs) {
            if (b >= runs || (a < keys.length && keys[a] < rk[b])) {
                nk[o] = keys[a];
                nc[o++] = counts[a++];
            } else if (a >= keys.length || rk[b] < keys[a]) {
                nk[o] = rk[b];
                nc[o++] = rc[b++];
            } else {
                nk[o] = keys[a];
                nc[o++] = counts[a++] + rc[b++];
            }
        }
        keys = Arrays.copyOf(nk, o);
        counts = Arrays.copyOf(nc, o);
    }

    @Override
    public void merge(DistinctValues o) {
        for (int q = 0; q < half.length; q++) {
            half[q] += o.half[q];
        }
        o.flush();
        flush();
        fold(o.keys, o.counts, o.keys.length);
        total += o.total;
    }

    /** Number of values (pairs) seen. */
    public long count() {
        return total;
    }

    /** Distinct float32 values, ascending, with their counts. */
    public DistinctCounts float32() {
        flush();
        float[] v = new float[keys.length];
        for (int q = 0; q < keys.length; q++) {
            v[q] = value(keys[q]);
        }
        return new DistinctCounts(v, counts.clone());
    }

    /** Distinct values after rounding to float16, ascending (as float32), with their counts. */
    public DistinctCounts float16() {
        int distinct = 0;
        for (long c : half) {
            if (c > 0) {
                distinct++;
            }
        }
        int[] order = new int[distinct];
        int o = 0;
        for (int h = 0; h < half.length; h++) {
            if (half[h] > 0) {
                order[o++] = key(HalfFloats.f16((short) h));
            }
        }
        Arrays.sort(order);
        float[] v = new float[distinct];
        long[] c = new long[distinct];
        for (int q = 0; q < distinct; q++) {
            v[q] = value(order[q]);
            c[q] = half[Float.floatToFloat16(v[q]) & 0xffff];
        }
        return new DistinctCounts(v, c);
    }

}
