package dev.cossim.engine;

import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.TopKNeighbors;
import dev.cossim.results.Neighbors;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** NearestRows.scan (the one loop of queries against rows, chunked or whole) against a double-precision brute force. */
class NearestRowsTest {

    @ParameterizedTest(name = "block={0} exclude={1}")
    @CsvSource({"1, -1", "7, -1", "64, 12", "500, 55"})
    void scanFindsEachQuerysNearestRowsLikeTheBruteForce(int block, int excludeId) {
        int n = 83, d = 21, nq = 5, k = 4;
        float[] m = Synthetic.gaussian(n, d, 21);
        Synthetic.zeroRow(m, d, 30); // left out of the rows: never a neighbour
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
        float[] queries = Synthetic.gaussian(nq, d, 22);
        if (excludeId >= 0) {
            // Query 0 is the excluded row itself (its own nearest, were it not left out).
            System.arraycopy(m, excludeId * d, queries, 0, d);
        }
        for (int q = 0; q < nq; q++) {
            float[] row = java.util.Arrays.copyOfRange(queries, q * d, (q + 1) * d);
            RowMatrix.prepareRow(row, Normalization.UNIT);
            System.arraycopy(row, 0, queries, q * d, d);
        }
        int[] queryIds = {100, 101, 102, 103, 104};
        for (var kernel : new dev.cossim.kernel.TileKernel[]{new ScalarTileKernel(), new VectorTileKernel()}) {
            TopKNeighbors top = new TopKNeighbors(queryIds, k);
            NearestRows.scan(kernel, queries, nq, rows, block, excludeId, top);
            for (int q = 0; q < nq; q++) {
                // The reference: cosine in double of the raw rows, every usable row but the excluded one.
                double[] sim = new double[n];
                Integer[] order = new Integer[n];
                for (int r = 0; r < n; r++) {
                    double dot = 0, rr = 0;
                    for (int i = 0; i < d; i++) {
                        dot += (double) queries[q * d + i] * m[r * d + i];
                        rr += (double) m[r * d + i] * m[r * d + i];
                    }
                    sim[r] = rr == 0 || r == excludeId ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(rr);
                    order[r] = r;
                }
                java.util.Arrays.sort(order, (x, y) -> sim[x] != sim[y] ? Double.compare(sim[y], sim[x]) : Integer.compare(x, y));
                Neighbors nb = top.neighbors(q);
                assertEquals(queryIds[q], nb.id());
                int[] want = new int[k];
                for (int j = 0; j < k; j++) {
                    want[j] = order[j];
                    assertEquals(sim[order[j]], nb.similarities()[j], 1e-6, kernel.name() + ": query " + q + " rank " + j);
                }
                assertArrayEquals(want, nb.ids(), kernel.name() + ": query " + q);
            }
        }
    }
}
