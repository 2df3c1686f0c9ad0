package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused tile passes (Vector API and scalar) give what the three reducers give walking each tile on their own:
 * the same histogram counts, extreme pairs and neighbours, and the same mean and deviation to 1e-12. Blocks are
 * chosen so that rows are shorter and longer than a vector, with tails, diagonal tiles and exact ties.
 */
class FusedSummaryPassTest {
    @ParameterizedTest(name = "n={0} d={1} block={2} k={3}")
    @CsvSource({
            "40, 8, 7, 3",
            "123, 16, 37, 5",
            "300, 24, 64, 10",
            "301, 5, 256, 1",
    })
    void fusedPassesMatchSeparateReducers(int n, int d, int block, int k) {
        float[] m = Synthetic.unitRows(Synthetic.gaussian(n, d, 1000L + n), d);
        Synthetic.duplicate(m, d, 3, 17, 1f); // exact ties at similarity 1
        Synthetic.duplicate(m, d, 3, n - 2, 1f);
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> i);
        List<Tile> tiles = new ArrayList<>();
        for (int r0 = 0; r0 < n; r0 += block) {
            for (int c0 = r0; c0 < n; c0 += block) {
                Tile t = new Tile(block * block);
                t.rowStart = r0;
                t.rows = Math.min(block, n - r0);
                t.colStart = c0;
                t.cols = Math.min(block, n - c0);
                t.diagonal = r0 == c0;
                new ScalarTileKernel().dots(m, r0, t.rows, m, c0, t.cols, d, t.values);
                tiles.add(t);
            }
        }
        Histogram h = new Histogram(-1, 1, 997);
        PairStatistics s = new PairStatistics(ids);
        TopKNeighbors top = new TopKNeighbors(ids, k);
        for (Tile t : tiles) {
            h.accept(t);
            s.accept(t);
            top.accept(t);
        }
        for (FusedSummaryPass pass : List.of(new VectorSummaryPass(), new ScalarSummaryPass())) {
            String name = pass.getClass().getSimpleName();
            Histogram fh = new Histogram(-1, 1, 997);
            PairStatistics fs = new PairStatistics(ids);
            TopKNeighbors ft = new TopKNeighbors(ids, k);
            for (Tile t : tiles) {
                pass.accept(t, fh, fs, ft);
            }
            assertArrayEquals(h.counts(), fh.counts(), name + " histogram");
            assertEquals((long) n * (n - 1) / 2, fh.total(), name + " pairs");
            assertEquals(s.count(), fs.count(), name);
            assertEquals(s.mean(), fs.mean(), 1e-12, name + " mean");
            assertEquals(s.std(), fs.std(), 1e-12, name + " std");
            assertEquals(s.max(), fs.max(), name + " max pair");
            assertEquals(s.min(), fs.min(), name + " min pair");
            for (int r = 0; r < n; r++) {
                assertArrayEquals(top.neighbors(r).ids(), ft.neighbors(r).ids(), name + " neighbours of row " + r);
                assertArrayEquals(top.neighbors(r).similarities(), ft.neighbors(r).similarities(), name + " row " + r);
            }
        }
    }
}
