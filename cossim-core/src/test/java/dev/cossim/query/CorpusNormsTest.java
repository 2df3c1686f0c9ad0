package dev.cossim.query;

import dev.cossim.analysis.ProgressListener;
import dev.cossim.source.DType;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CorpusNormsTest {
    @TempDir
    Path dir;

    @Test
    void handComputedNorms() {
        // rows (3,4) and (0,5): norms 5 and 5; (6,8): 10; zero row; NaN row
        BatchFiles.npy(dir, "a.npy", DType.F32, new float[]{3, 4, 0, 5}, 2, 2);
        BatchFiles.npy(dir, "b.npy", DType.F32, new float[]{6, 8, 0, 0, Float.NaN, 1}, 3, 2);
        try (Corpus c = Corpus.open(List.of(dir), null, null)) {
            List<CorpusNorms.Entry> es = CorpusNorms.compute(c, new int[]{0}, null, 2, 1, ProgressListener.NONE);
            assertEquals(3, es.size());
            NormSummary a = es.get(0).summary();
            assertEquals(5, a.mean(), 1e-12);
            assertEquals(0, a.std(), 1e-12);
            NormSummary b = es.get(1).summary();
            assertEquals(2, b.count());
            assertEquals(1, b.zero());
            assertEquals(1, b.nonFinite());
            assertEquals(5, b.mean(), 1e-12);
            assertEquals(Math.sqrt(50), b.std(), 1e-12);
            NormSummary all = es.get(2).summary();
            assertEquals(-1, es.get(2).batch());
            // norms 5, 5, 10, 0: mean 5, sample variance (0 + 0 + 25 + 25) / 3
            assertEquals(4, all.count());
            assertEquals(5, all.mean(), 1e-12);
            assertEquals(Math.sqrt(50.0 / 3), all.std(), 1e-12);
            assertEquals(0, all.min());
            assertEquals(10, all.max());
        }
    }

    @Test
    void perPositionOfThreeDimensionalBatchesMatchesDirectComputation() {
        int n = 37, t = 3, d = 11;
        float[] v = Synthetic.gaussian(n * t, d, 4);
        BatchFiles.npy(dir, "x.npy", DType.F32, v, n, t, d);
        try (Corpus c = Corpus.open(List.of(dir), null, null)) {
            List<CorpusNorms.Entry> es = CorpusNorms.compute(c, new int[]{0, 1, 2}, null, 2, 4, ProgressListener.NONE);
            for (int p = 0; p < t; p++) {
                double[] norms = new double[n];
                double mean = 0;
                for (int r = 0; r < n; r++) {
                    double ss = 0;
                    for (int i = 0; i < d; i++) {
                        double x = v[(r * t + p) * d + i];
                        ss += x * x;
                    }
                    norms[r] = Math.sqrt(ss);
                    mean += norms[r] / n;
                }
                double var = 0;
                for (double x : norms) {
                    var += (x - mean) * (x - mean) / (n - 1);
                }
                NormSummary s = es.get(p).summary();
                assertEquals(p, es.get(p).position());
                assertEquals(mean, s.mean(), 1e-9);
                assertEquals(Math.sqrt(var), s.std(), 1e-9);
            }
        }
    }
}
