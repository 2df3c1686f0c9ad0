package dev.cossim.query;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockPass} on the Vector API. Squared norms accumulate in float lanes (they only scale float32 scores for the
 * selection; the winners are rescored in double); a sum of 0 or a non-finite one is recomputed in double, so zero and
 * non-finite rows are decided exactly. The scan compares a vector of keys with the k-th best at once and touches the
 * heap only for lanes that pass.
 */
final class VectorBlockPass extends BlockPass {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private final float[] lanes = new float[L];

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

    @Override
    void select(float[] out, int q, int count, float[] scale, boolean euclid, Candidates cand, long first) {
        float thr = cand.threshold(q);
        FloatVector t = FloatVector.broadcast(F, thr);
        int o = q * count;
        int j = 0;
        for (; j + L <= count; j += L) {
            FloatVector x = FloatVector.fromArray(F, out, o + j);
            FloatVector s = FloatVector.fromArray(F, scale, j);
            FloatVector key = euclid ? x.add(x).sub(s) : x.mul(s);
            VectorMask<Float> pass = key.compare(VectorOperators.GE, t);
            if (pass.anyTrue()) {
                key.intoArray(lanes, 0);
                for (int l = 0; l < L; l++) {
                    if (lanes[l] >= thr) {
                        cand.offer(q, lanes[l], first + j + l);
                        thr = cand.threshold(q);
                    }
                }
                t = FloatVector.broadcast(F, thr);
            }
        }
        for (; j < count; j++) {
            float x = out[o + j];
            float key = euclid ? x + x - scale[j] : x * scale[j];
            if (key >= thr) {
                cand.offer(q, key, first + j);
                thr = cand.threshold(q);
            }
        }
    }
}
