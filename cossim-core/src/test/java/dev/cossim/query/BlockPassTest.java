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
        System.setProperty("cossim.blockpass", "vector");
        try {
            assertInstanceOf(VectorBlockPass.class, BlockPass.create());
        } finally {
            System.clearProperty("cossim.blockpass");
        }
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
        int count = 77, nq = 3, k = 6;
        float[] out = Synthetic.gaussian(nq, count, 5);
        float[] scale = Synthetic.gaussian(1, count, 6);
        scale[10] = Float.NaN;
        out[20] = out[21];                             // a tie within query 0
        scale[20] = scale[21];
        for (boolean euclid : new boolean[]{false, true}) {
            for (BlockPass p : List.of(new BlockPass(), new VectorBlockPass())) {
                Candidates c = new Candidates(nq, k);
                for (int q = 0; q < nq; q++) {
                    p.select(out, q, count, scale, euclid, c, 1000);
                }
                for (int q = 0; q < nq; q++) {
                    List<long[]> keyed = new ArrayList<>();
                    List<Float> keys = new ArrayList<>();
                    for (int j = 0; j < count; j++) {
                        float x = out[q * count + j];
                        float key = euclid ? x + x - scale[j] : x * scale[j];
                        if (!Float.isNaN(key)) {
                            keyed.add(new long[]{j});
                            keys.add(key);
                        }
                    }
                    List<Integer> idx = new ArrayList<>();
                    for (int i = 0; i < keys.size(); i++) {
                        idx.add(i);
                    }
                    idx.sort(Comparator.<Integer>comparingDouble(i -> -keys.get(i)).thenComparingLong(i -> keyed.get(i)[0]));
                    long[] want = idx.stream().limit(k).mapToLong(i -> 1000 + keyed.get(i)[0]).toArray();
                    assertArrayEquals(want, c.rows(q), p.getClass().getSimpleName() + " euclid " + euclid + " query " + q);
                }
            }
        }
    }
}
