package dev.cossim.query;

import dev.cossim.engine.Vectorization;

/**
 * The per-block work around the kernel's products: squared norms of a block's rows, and the scan of the block's scores
 * for those that reach their query's k-th best. Plain loops here, the default ({@link Vectorization} chooses).
 * {@code VectorBlockPass} does both on the Vector API (loaded reflectively, so this class never links against it
 * otherwise): measured on 1,000,000 x 384 rows and 100 queries, it matched the plain
 * loops once compiled but lost more while warming up (Vector API code is slow until C2 compiles it) than it saved.
 */
class BlockPass {
    static BlockPass create() {
        return create(Vectorization.get().vectorBlockPass());
    }

    /** The Vector API pass when asked for and the module is enabled, else the plain loops. */
    static BlockPass create(boolean vector) {
        if (vector && Vectorization.get().vectorApi()) {
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
     * Offers row {@code first + j} to query q's candidates for every j and q whose key reaches {@code thr[q]}, the
     * query's current k-th best, which this keeps in step with {@code cand}. Scores are row-major, {@code out[j * nq + q]};
     * key = {@code out * scale[j]}, or {@code 2 out - scale[j]} for Euclidean. A NaN scale marks a row to skip.
     *
     * <p>Each row is first run through for its first query whose key is not below the threshold; once the heaps have
     * filled, nearly every row has none and is done with one comparison per score, no heap touched. (An early-exit
     * loop like this ran at about 0.9 ns a score here, a running maximum of {@code key - thr}, whose each step waits
     * for the last, at 1.2.) NaN keys stop that run too, and the exact test then turns them away.
     */
    void select(float[] out, int count, int nq, float[] scale, boolean euclid, float[] thr, Candidates cand, long first) {
        for (int j = 0; j < count; j++) {
            float s = scale[j];
            if (Float.isNaN(s)) {
                continue;
            }
            int o = j * nq;
            int q = 0;
            if (euclid) {
                for (; q < nq; q++) {
                    float x = out[o + q];
                    if (!(x + x - s < thr[q])) {
                        break;
                    }
                }
            } else {
                for (; q < nq; q++) {
                    if (!(out[o + q] * s < thr[q])) {
                        break;
                    }
                }
            }
            if (q < nq) {
                offerRow(out, o, q, nq, s, euclid, thr, cand, first + j);
            }
        }
    }

    /** The exact per-query test of one row that may hold a candidate, from query {@code from} on. */
    static void offerRow(float[] out, int o, int from, int nq, float s, boolean euclid, float[] thr, Candidates cand, long row) {
        for (int q = from; q < nq; q++) {
            float x = out[o + q];
            float key = euclid ? x + x - s : x * s;
            if (key >= thr[q]) {
                cand.offer(q, key, row);
                thr[q] = cand.threshold(q);
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
