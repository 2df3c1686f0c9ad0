package dev.cossim.query;

import dev.cossim.kernel.Kernels;

/**
 * The per-block work around the kernel's products: squared norms of a block's rows, and the scan of one query's scores
 * for those that reach its k-th best. Plain loops here, the default. {@code VectorBlockPass} does both on the Vector
 * API ({@code -Dcossim.blockpass=vector}, with the jdk.incubator.vector module enabled; loaded reflectively, so this
 * class never links against it otherwise): measured on 1,000,000 x 384 rows and 100 queries, it matched the plain
 * loops once compiled but lost more while warming up (Vector API code is slow until C2 compiles it) than it saved.
 */
class BlockPass {
    static BlockPass create() {
        if ("vector".equals(System.getProperty("cossim.blockpass")) && Kernels.vectorApiAvailable()) {
            try {
                return (BlockPass) Class.forName("dev.cossim.query.VectorBlockPass").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new BlockPass();
            }
        }
        return new BlockPass();
    }

    /**
     * {@code ss[j]} = the sum of squares of row j of {@code rows} (rows of length d). Accumulated in float over eight
     * independent chains, enough to scale float32 scores for the selection (the winners are rescored in double); a sum
     * of 0 or a non-finite one is recomputed in double, so zero and non-finite rows are decided exactly.
     */
    void squares(float[] rows, int count, int d, double[] ss) {
        for (int j = 0; j < count; j++) {
            int off = j * d;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = 0;
            for (; i + 7 < d; i += 8) {
                float x0 = rows[off + i], x1 = rows[off + i + 1], x2 = rows[off + i + 2], x3 = rows[off + i + 3];
                float x4 = rows[off + i + 4], x5 = rows[off + i + 5], x6 = rows[off + i + 6], x7 = rows[off + i + 7];
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
                s4 += x4 * x4;
                s5 += x5 * x5;
                s6 += x6 * x6;
                s7 += x7 * x7;
            }
            for (; i < d; i++) {
                s0 += rows[off + i] * rows[off + i];
            }
            float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
            ss[j] = s == 0 || !Float.isFinite(s) ? exactSquares(rows, off, d) : s;
        }
    }

    /**
     * Offers row {@code first + j} to query q's candidates for every j whose key reaches the query's current k-th best:
     * key = {@code out[q * count + j] * scale[j]}, or {@code 2 out - scale[j]} for Euclidean. A NaN scale marks a row to
     * skip (its key compares false).
     */
    void select(float[] out, int q, int count, float[] scale, boolean euclid, Candidates cand, long first) {
        float thr = cand.threshold(q);
        int o = q * count;
        for (int j = 0; j < count; j++) {
            float x = out[o + j];
            float key = euclid ? x + x - scale[j] : x * scale[j];
            if (key >= thr) {
                cand.offer(q, key, first + j);
                thr = cand.threshold(q);
            }
        }
    }

    /** Sum of squares in double with four accumulators (one dependency chain would stall on add latency). */
    static double exactSquares(float[] a, int off, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            double x0 = a[off + i], x1 = a[off + i + 1], x2 = a[off + i + 2], x3 = a[off + i + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; i < len; i++) {
            double x = a[off + i];
            s0 += x * x;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
