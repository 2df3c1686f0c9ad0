package dev.cossim.reduce;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pooled heatmap values against a brute-force pooling of the full double-precision similarity matrix. */
class PooledHeatmapTest {

    @ParameterizedTest
    @CsvSource({
            // n, d, size, threads, block: blocks of unequal sizes, tiles cutting across blocks, size = n
            "37, 8, 5, 2, 7",
            "50, 16, 50, 1, 16",
            "61, 5, 7, 3, 4",
            "64, 12, 8, 2, 64",
            "10, 3, 1, 1, 3",
    })
    void equalsBruteForcePooling(int n, int d, int size, int threads, int block) {
        float[] m = Synthetic.gaussian(n, d, 1000L + n * 31L + size);
        Synthetic.duplicate(m, d, 2, 5, 3f); // an exact duplicate: a block maximum of 1 off the diagonal
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
        BruteForce ref = new BruteForce(m, n, d);
        PooledHeatmap h = new AllPairsEngine(new VectorTileKernel(), threads, block)
                .run(rows, () -> new PooledHeatmap(rows.size(), size), ProgressListener.NONE);

        float[] mean = h.mean();
        float[] max = h.max();
        for (int a = 0; a < size; a++) {
            for (int b = 0; b < size; b++) {
                double s = 0, mx = Double.NEGATIVE_INFINITY;
                int k = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if ((long) i * size / n == a && (long) j * size / n == b) {
                            s += ref.sims[i][j];
                            mx = Math.max(mx, ref.sims[i][j]);
                            k++;
                        }
                    }
                }
                assertEquals(s / k, mean[a * size + b], 1e-5, "mean of block " + a + "," + b);
                assertEquals(mx, max[a * size + b], 1e-5, "max of block " + a + "," + b);
            }
        }
    }

    @Test
    void sizeNReproducesTheMatrixAndMergingIsOrderFree() {
        int n = 23, d = 6;
        float[] m = Synthetic.gaussian(n, d, 7);
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
        BruteForce ref = new BruteForce(m, n, d);
        PooledHeatmap one = new AllPairsEngine(new ScalarTileKernel(), 1, 5)
                .run(rows, () -> new PooledHeatmap(n, n), ProgressListener.NONE);
        PooledHeatmap many = new AllPairsEngine(new ScalarTileKernel(), 4, 3)
                .run(rows, () -> new PooledHeatmap(n, n), ProgressListener.NONE);
        float[] a = one.mean();
        float[] b = many.mean();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(ref.sims[i][j], a[i * n + j], 1e-6);
                assertEquals(a[i * n + j], b[i * n + j], 1e-6);
                assertEquals(a[i * n + j], one.max()[i * n + j], 0.0, "one value per block: max = mean");
            }
        }
    }

    @Test
    void rejectsMoreBlocksThanRows() {
        assertThrows(IllegalArgumentException.class, () -> new PooledHeatmap(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new PooledHeatmap(10, 0));
    }
}
