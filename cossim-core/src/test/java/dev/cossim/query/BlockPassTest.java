package dev.cossim.query;

import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The scalar and Vector API block passes agree with plain double arithmetic and with each other. */
class BlockPassTest {
    @Test
    void plainLoopsByDefaultVectorPassOnRequest() {
        assertEquals(BlockPass.class, BlockPass.create().getClass());
        assertInstanceOf(VectorBlockPass.class, BlockPass.create(true));
    }

    @Test
    void squaredNormsOnAwkwardLengthsWithZeroAndTinyRows() {
        for (int d : new int[]{1, 7, 16, 17, 33, 384, 385}) {
            int count = 9;
            float[] rows = Synthetic.gaussian(count, d, d);
            Synthetic.zeroRow(rows, d, 2);
            rows[3 * d] = 1e-30f;                       // squares underflow in float: decided in double
            for (int i = 1; i < d; i++) {
                rows[3 * d + i] = 0;
            }
            rows[4 * d + d - 1] = Float.NaN;
            rows[5 * d] = 3e38f;                        // its square overflows float
            for (BlockPass p : List.of(new BlockPass(), new VectorBlockPass())) {
                double[] ss = new double[count];
                p.squares(rows, count, d, ss);
                for (int j = 0; j < count; j++) {
                    double want = 0;
                    for (int i = 0; i < d; i++) {
                        want += (double) rows[j * d + i] * rows[j * d + i];
                    }
                    if (Double.isNaN(want)) {
                        assertEquals(Double.NaN, ss[j], p.getClass().getSimpleName() + " d " + d + " row " + j);
                    } else {
                        assertEquals(want, ss[j], want * 1e-5, p.getClass().getSimpleName() + " d " + d + " row " + j);
                    }
                }
                assertEquals(0.0, ss[2]);
                assertEquals((double) 1e-30f * 1e-30f, ss[3]);
            }
        }
    }

    @Test
    void selectionEqualsSortingTheKeys() {
        // nq = 19 has a vector body and a scalar tail at 8 and 16 lanes; 1 is all tail
        for (int nq : new int[]{1, 3, 19}) {
            int count = 77, k = 6;
            float[] out = Synthetic.gaussian(count, nq, 5 + nq); // row-major: out[j * nq + q]
            float[] scale = Synthetic.gaussian(1, count, 6);
            scale[10] = Float.NaN;                          // a skipped row
            out[20 * nq] = out[21 * nq];                    // a tie within query 0
            scale[20] = scale[21];
            out[30 * nq + nq - 1] = Float.POSITIVE_INFINITY; // an overflowed score wins its query
            scale[30] = 0.5f;
            out[31 * nq] = Float.NaN;                       // a NaN score never does
            out[40 * nq] = Float.NEGATIVE_INFINITY;
            scale[40] = 0.5f;
            for (boolean euclid : new boolean[]{false, true}) {
                for (BlockPass p : List.of(new BlockPass(), new VectorBlockPass())) {
                    Candidates c = new Candidates(nq, k);
                    float[] thr = new float[nq];
                    for (int q = 0; q < nq; q++) {
                        thr[q] = c.threshold(q);
                    }
                    // two calls, as two blocks of one worker: the thresholds carry over
                    int split = 33;
                    p.select(out, split, nq, scale, euclid, thr, c, 1000);
                    float[] rest = java.util.Arrays.copyOfRange(out, split * nq, count * nq);
                    float[] restScale = java.util.Arrays.copyOfRange(scale, split, count);
                    p.select(rest, count - split, nq, restScale, euclid, thr, c, 1000 + split);
                    for (int q = 0; q < nq; q++) {
                        assertEquals(c.threshold(q), thr[q], "threshold kept in step, query " + q);
                        List<Integer> rows = new ArrayList<>();
                        List<Float> keys = new ArrayList<>();
                        for (int j = 0; j < count; j++) {
                            float x = out[j * nq + q];
                            float key = euclid ? x + x - scale[j] : x * scale[j];
                            if (!Float.isNaN(key)) {
                                rows.add(j);
                                keys.add(key);
                            }
                        }
                        List<Integer> idx = new ArrayList<>();
                        for (int i = 0; i < keys.size(); i++) {
                            idx.add(i);
                        }
                        idx.sort(Comparator.<Integer>comparingDouble(i -> -keys.get(i)).thenComparingInt(rows::get));
                        long[] want = idx.stream().limit(k).mapToLong(i -> 1000 + rows.get(i)).toArray();
                        String what = p.getClass().getSimpleName() + " nq " + nq + " euclid " + euclid + " query " + q;
                        assertArrayEquals(want, c.rows(q), what);
                        if (q == nq - 1) {
                            assertEquals(1030, c.rows(q)[0], what + ": the infinite score comes first");
                        }
                    }
                }
            }
        }
    }
}
