package dev.cossim.reduce;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.PairSet;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.source.Tensor;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.cossim.results.SampledPairs;
import dev.cossim.results.LargestDifference;

class CorrelationVsCosineTest {
    static final int N = 130, D = 20;

    static float[] data() {
        float[] m = Synthetic.gaussian(N, D, 21);
        // Large per-row offsets make cosine and correlation differ a lot.
        for (int r = 0; r < N; r++) {
            for (int k = 0; k < D; k++) {
                m[r * D + k] += (r % 5) * 0.7f;
            }
        }
        Synthetic.zeroRow(m, D, 8);
        java.util.Arrays.fill(m, 40 * D, 41 * D, 2.5f); // constant row: a cosine but no correlation, so excluded
        return m;
    }

    static CorrelationVsCosine run(float[] m, int threads, int block, int sample, long seed) {
        Tensor t = Synthetic.tensor(m, N, D);
        RowMatrix centred = RowMatrix.of(t, Normalization.CENTRED_UNIT);
        double[][] f = CorrelationVsCosine.rowFactors(t, centred);
        int[] ids = centred.ids();
        return PairSet.within(centred).run(new AllPairsEngine(new VectorTileKernel(), threads, block),
                () -> new CorrelationVsCosine(ids, f[0], f[1], 50, sample, seed), ProgressListener.NONE);
    }

    @Test
    void bothSummariesAndTheSampleMatchTheReference() {
        float[] m = data();
        int[] all = IntStream.range(0, N).toArray();
        MetricReference cos = MetricReference.within(m, D, Metric.COSINE, MetricReference.kept(m, D, Metric.CORRELATION, all));
        MetricReference corr = MetricReference.within(m, D, Metric.CORRELATION, all);
        assertEquals(N - 2, corr.idsA.length);
        CorrelationVsCosine r = run(m, 2, 16, 300, 7);
        assertEquals(corr.count(), r.count());
        check(cos, r.cosineStatistics(), r.cosineHistogram());
        check(corr, r.correlationStatistics(), r.correlationHistogram());
        double cov = 0;
        double mc = cos.mean(), mr = corr.mean();
        double maxDiff = 0;
        for (int q = 0; q < cos.pv.length; q++) {
            assertEquals(cos.pi[q], corr.pi[q]);
            cov += (cos.pv[q] - mc) * (corr.pv[q] - mr);
            maxDiff = Math.max(maxDiff, Math.abs(cos.pv[q] - corr.pv[q]));
        }
        assertEquals(cov / cos.count(), r.covariance(), 1e-6);
        assertEquals(cov / cos.count() / (cos.std() * corr.std()), r.agreement(), 1e-5);
        assertEquals(maxDiff, r.largestDifference().absolute(), 1e-5);
        LargestDifference dd = r.largestDifference();
        assertEquals(cos.value(dd.i(), dd.j()), dd.cosine(), 2e-6);

        SampledPairs s = r.sample();
        assertEquals(300, s.size());
        for (int q = 0; q < s.size(); q++) {
            assertTrue(s.i()[q] < s.j()[q]);
            assertEquals(cos.value(s.i()[q], s.j()[q]), s.cosine()[q], 2e-6);
            assertEquals(corr.value(s.i()[q], s.j()[q]), s.correlation()[q], 2e-6);
        }
    }

    static void check(MetricReference ref, PairStatistics s, Histogram h) {
        assertEquals(ref.count(), s.count());
        assertEquals(ref.count(), h.total());
        assertEquals(ref.mean(), s.mean(), 1e-6);
        assertEquals(ref.std(), s.std(), 1e-6);
        assertEquals(ref.max(), s.max().similarity(), 2e-6);
        assertEquals(ref.min(), s.min().similarity(), 2e-6);
    }

    @Test
    void sampleIsSeededAndIndependentOfThreadsAndTiles() {
        float[] m = data();
        CorrelationVsCosine a = run(m, 1, 200, 100, 3);
        CorrelationVsCosine b = run(m, 3, 9, 100, 3);
        assertArrayEquals(a.sample().i(), b.sample().i());
        assertArrayEquals(a.sample().j(), b.sample().j());
        assertNotEquals(java.util.Arrays.toString(a.sample().i()), java.util.Arrays.toString(run(m, 2, 16, 100, 4).sample().i()));
        // A sample at least as large as the pairs holds every pair once.
        CorrelationVsCosine all = run(m, 2, 16, 10_000, 1);
        assertEquals(all.count(), all.sample().size());
    }
}
