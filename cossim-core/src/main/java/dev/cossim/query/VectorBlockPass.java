package dev.cossim.query;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockPass} on the Vector API. Squared norms accumulate in float lanes (they only scale float32 scores for the
 * selection; the winners are rescored in double); a sum of 0 or a non-finite one is recomputed in double, so zero and
 * non-finite rows are decided exactly. The scan compares a vector of keys with their queries' k-th best at once and
 * touches the heaps only for rows where a lane passes.
 */
final class VectorBlockPass extends BlockPass {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();


    @Override
    void squares(float[] rows, int count, int d, double[] ss) {
        int body = d - d % L;
        for (int j = 0; j < count; j++) {
            int off = j * d;
            FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
            int i = 0;
            for (; i + 2 * L <= body; i += 2 * L) {
                FloatVector a = FloatVector.fromArray(F, rows, off + i);
                FloatVector b = FloatVector.fromArray(F, rows, off + i + L);
                acc0 = a.fma(a, acc0);
                acc1 = b.fma(b, acc1);
            }
            for (; i < body; i += L) {
                FloatVector a = FloatVector.fromArray(F, rows, off + i);
                acc0 = a.fma(a, acc0);
            }
            float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < d; i++) {
                float x = rows[off + i];
                s += x * x;
            }
            ss[j] = s == 0 || !Float.isFinite(s) ? exactSquares(rows, off, d) : s;
        }
    }

    /** As {@link BlockPass#select}, comparing L queries' keys with their thresholds at once. */
    @Override
    void select(float[] out, int count, int nq, float[] scale, boolean euclid, float[] thr, Candidates cand, long first) {
        int body = nq - nq % L;
        for (int j = 0; j < count; j++) {
            float s = scale[j];
            if (Float.isNaN(s)) {
                continue;
            }
            int o = j * nq;
            FloatVector sv = FloatVector.broadcast(F, s);
            boolean hit = false;
            for (int q = 0; q < body && !hit; q += L) {
                FloatVector x = FloatVector.fromArray(F, out, o + q);
                FloatVector key = euclid ? x.add(x).sub(sv) : x.mul(sv);
                // not(key < thr) also lets NaN keys through to the exact test, as the scalar pass does
                hit = key.compare(VectorOperators.LT, FloatVector.fromArray(F, thr, q)).not().anyTrue();
            }
            for (int q = body; q < nq && !hit; q++) {
                float x = out[o + q];
                hit = !((euclid ? x + x - s : x * s) < thr[q]);
            }
            if (hit) {
                offerRow(out, o, 0, nq, s, euclid, thr, cand, first + j);
            }
        }
    }
}
