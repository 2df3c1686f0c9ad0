package dev.cossim.reduce;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.PairSet;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.engine.Tile;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.cossim.results.DistinctCounts;

class DistinctValuesTest {

    /** Integer rows under the dot metric: every value is exact, so the distinct values are known exactly. */
    @Test
    void countsDistinctValuesAtBothPrecisionsExactly() {
        int n = 70, d = 6;
        float[] m = new float[n * d];
        java.util.Random r = new java.util.Random(11);
        for (int q = 0; q < m.length; q++) {
            m[q] = r.nextInt(7) - 3;
        }
        // Shift one row so that its products exceed float16's integer precision (2048) and collapse when rounded.
        for (int k = 0; k < d; k++) {
            m[5 * d + k] += 2000;
        }
        Synthetic.zeroRow(m, d, 2);
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        MetricReference ref = MetricReference.within(m, d, Metric.DOT, all);
        TreeMap<Float, Long> want32 = new TreeMap<>();
        TreeMap<Float, Long> want16 = new TreeMap<>();
        for (double v : ref.pv) {
            want32.merge((float) v + 0.0f, 1L, Long::sum);
            want16.merge(Float.float16ToFloat(Float.floatToFloat16((float) v)) + 0.0f, 1L, Long::sum);
        }
        PairSet ps = PairSet.within(RowMatrix.of(Synthetic.tensor(m, n, d), Metric.DOT.normalization()));
        DistinctValues dv = ps.run(new AllPairsEngine(new VectorTileKernel(), 3, 8), DistinctValues::new, ProgressListener.NONE);
        assertEquals(ref.count(), dv.count());
        check(want32, dv.float32());
        check(want16, dv.float16());
        org.junit.jupiter.api.Assertions.assertTrue(want32.size() > want16.size(), "rounding to float16 merges some values");
    }

    static void check(TreeMap<Float, Long> want, DistinctCounts got) {
        assertEquals(want.size(), got.distinct());
        int q = 0;
        for (Map.Entry<Float, Long> e : want.entrySet()) {
            assertEquals(e.getKey(), got.values()[q]);
            assertEquals(e.getValue(), got.counts()[q], "count of " + e.getKey());
            q++;
        }
    }

    /** Many flushes and merges of hand-made tiles, including -0.0, negative values and repeats. */
    @Test
    void foldingAndMergingKeepExactCounts() {
        java.util.Random r = new java.util.Random(5);
        TreeMap<Float, Long> want = new TreeMap<>();
        DistinctValues a = new DistinctValues(), b = new DistinctValues();
        Tile t = new Tile(100 * 100);
        for (int round = 0; round < 30; round++) {
            t.rowStart = 0;
            t.colStart = 100;
            t.rows = 100;
            t.cols = 100;
            t.diagonal = false;
            for (int q = 0; q < 10_000; q++) {
                float v = r.nextInt(5000) / 997f - 2.5f;
                if (q % 1000 == 0) {
                    v = -0.0f;
                }
                t.values[q] = v;
                want.merge(v + 0.0f, 1L, Long::sum);
            }
            (round % 2 == 0 ? a : b).accept(t);
        }
        a.merge(b);
        assertEquals(300_000, a.count());
        check(want, a.float32());
        assertArrayEquals(a.float32().values(), a.float32().values(), "reading twice gives the same");
    }
}
