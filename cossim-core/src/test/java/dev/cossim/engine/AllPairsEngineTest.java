package dev.cossim.engine;

import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.PairStatistics;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.cossim.results.Neighbors;
import dev.cossim.analysis.ProgressListener;

/** The all-pairs engine with its reducers against a double-precision brute force, on awkward sizes and with ties. */
public class AllPairsEngineTest {

    /** Runs the summary pass and checks histogram, statistics and top-k against the reference. */
    public static void check(float[] m, int n, int d, TileKernel kernel, int threads, int block, int bins, int k) {
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
        BruteForce ref = new BruteForce(m, n, d);
        int[] ids = rows.ids();
        assertArrayEquals(ref.ids, ids, "included rows");
        SummaryReducer r = new AllPairsEngine(kernel, threads, block)
                .run(rows, () -> new SummaryReducer(ids, bins, -1, 1, k), ProgressListener.NONE);

        // Histogram: every pair counted once; bins differ only for pairs within 1e-6 of an edge.
        long[] got = r.histogram().counts();
        long[] want = ref.histogram(-1, 1, bins);
        assertEquals(ref.pairs(), r.histogram().total(), "histogram total");
        long moved = 0;
        for (int b = 0; b < bins; b++) {
            moved += Math.abs(got[b] - want[b]);
        }
        assertTrue(moved / 2 <= ref.nearEdge(-1, 1, bins, 1e-6), "histogram differs beyond edge pairs: " + moved / 2);

        PairStatistics s = r.statistics();
        assertEquals(ref.pairs(), s.count());
        assertEquals(ref.mean(), s.mean(), 1e-6);
        assertEquals(ref.std(), s.std(), 1e-6);
        int[] mx = ref.extreme(true);
        int[] mn = ref.extreme(false);
        assertEquals(ref.sim(mx[0], mx[1]), s.max().similarity(), 1e-6);
        assertEquals(ref.sim(mn[0], mn[1]), s.min().similarity(), 1e-6);
        assertEquals(ref.sim(s.max().i(), s.max().j()), s.max().similarity(), 1e-6, "max pair's ids match its value");
        assertEquals(ref.sim(s.min().i(), s.min().j()), s.min().similarity(), 1e-6, "min pair's ids match its value");

        if (k > 0) {
            for (int row = 0; row < rows.size(); row++) {
                Neighbors nb = r.topK().neighbors(row);
                int[] expect = ref.topK(nb.id(), k);
                assertEquals(expect.length, nb.ids().length);
                for (int q = 0; q < expect.length; q++) {
                    double wantSim = ref.sim(nb.id(), expect[q]);
                    assertEquals(wantSim, nb.similarities()[q], 1e-6, "rank " + q + " of row " + nb.id());
                    if (nb.ids()[q] != expect[q]) {
                        // Only a near-tie (within float32 rounding) may swap two neighbours.
                        assertEquals(wantSim, ref.sim(nb.id(), nb.ids()[q]), 1e-6,
                                "row " + nb.id() + " rank " + q + ": got " + nb.ids()[q] + ", expected " + expect[q]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "n={0} d={1} threads={2} block={3} k={4}")
    @CsvSource({
            "2, 3, 1, 256, 1",
            "7, 1, 2, 3, 3",
            "61, 13, 2, 8, 5",
            "130, 127, 2, 17, 10",
            "257, 384, 2, 64, 10",
            "300, 1021, 3, 256, 4",
    })
    void matchesBruteForceWithVectorKernel(int n, int d, int threads, int block, int k) {
        float[] m = Synthetic.gaussian(n, d, n * 31L + d);
        check(m, n, d, new VectorTileKernel(), threads, block, 2000, k);
    }

    @Test
    void scalarKernelAgreesToo() {
        int n = 97, d = 29;
        check(Synthetic.gaussian(n, d, 5), n, d, new ScalarTileKernel(), 2, 10, 100, 6);
    }

    @Test
    void exactTiesBreakByLowerIdAndZeroRowsAreExcluded() {
        int n = 90, d = 16;
        float[] m = Synthetic.gaussian(n, d, 42);
        // Rows 10, 40 and 70 are the same direction as row 5: rows 5's neighbours tie exactly at similarity 1.
        Synthetic.duplicate(m, d, 5, 10, 1f);
        Synthetic.duplicate(m, d, 5, 40, 2f);
        Synthetic.duplicate(m, d, 5, 70, 1f);
        Synthetic.zeroRow(m, d, 3);
        Synthetic.zeroRow(m, d, 88);
        m[50 * d + 7] = Float.NaN;
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
        assertArrayEquals(new int[]{3, 88}, rows.zeroRows());
        assertArrayEquals(new int[]{50}, rows.nonFiniteRows());
        check(m, n, d, new VectorTileKernel(), 2, 16, 50, 3);

        int[] ids = rows.ids();
        SummaryReducer r = new AllPairsEngine(new VectorTileKernel(), 2, 16)
                .run(rows, () -> new SummaryReducer(ids, 50, -1, 1, 3), ProgressListener.NONE);
        Neighbors nb5 = r.topK().neighbors(rows.indexOf(5));
        assertEquals(1.0, nb5.similarities()[0], 1e-6);
        // Rows 10, 40, 70 tie with row 5; by the lower id that is the order. Row 40's dot may differ by rounding
        // (it was scaled by 2), so only the ids 10 and 70 are asserted beside it.
        assertEquals(10, nb5.ids()[0]);
        assertTrue(java.util.Set.of(40, 70).contains(nb5.ids()[1]));
        // The max pair ties at 1.0 between several pairs: the lowest (i, j) wins.
        assertEquals(5, r.statistics().max().i());
        assertEquals(10, r.statistics().max().j());
        for (double v : new double[]{r.statistics().mean(), r.statistics().std()}) {
            assertTrue(Double.isFinite(v), "no NaN from excluded rows");
        }
    }

    @Test
    void resultDoesNotDependOnThreadsOrBlock() {
        int n = 211, d = 40;
        float[] m = Synthetic.gaussian(n, d, 9);
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
        int[] ids = rows.ids();
        SummaryReducer a = new AllPairsEngine(new VectorTileKernel(), 1, 211)
                .run(rows, () -> new SummaryReducer(ids, 300, -1, 1, 7), ProgressListener.NONE);
        SummaryReducer b = new AllPairsEngine(new VectorTileKernel(), 3, 12)
                .run(rows, () -> new SummaryReducer(ids, 300, -1, 1, 7), ProgressListener.NONE);
        assertArrayEquals(a.histogram().counts(), b.histogram().counts());
        assertEquals(a.statistics().max(), b.statistics().max());
        for (int r = 0; r < n; r++) {
            assertArrayEquals(a.topK().neighbors(r).ids(), b.topK().neighbors(r).ids());
        }
    }

    /** Every tile value at its (row, column) of a rectangle, for comparing a cross run cell by cell. */
    static final class Cells implements TileReducer<Cells> {
        final int split;
        final float[][] v;

        Cells(int split, int cols) {
            this.split = split;
            this.v = new float[split][cols];
        }

        @Override
        public void accept(Tile t) {
            for (int i = 0; i < t.rows; i++) {
                for (int j = 0; j < t.cols; j++) {
                    v[t.rowStart + i][t.colStart - split + j] = t.values[i * t.cols + j];
                }
            }
        }

        @Override
        public void merge(Cells o) {
            for (int i = 0; i < v.length; i++) {
                for (int j = 0; j < v[i].length; j++) {
                    v[i][j] += o.v[i][j];
                }
            }
        }
    }

    @Test
    void crossRunOnJoinedRowsReadsEachSideInPlaceAndMatchesDoublePrecision() {
        int na = 37, nb = 53, d = 19;
        float[] ma = Synthetic.gaussian(na, d, 11), mb = Synthetic.gaussian(nb, d, 12);
        RowMatrix a = RowMatrix.of(Synthetic.tensor(ma, na, d), Normalization.UNIT);
        RowMatrix b = RowMatrix.of(Synthetic.tensor(mb, nb, d), Normalization.UNIT);
        RowMatrix joined = RowMatrix.concat(a, b);
        // Spans on one side are that side's own array; one across the split joins the two (once).
        assertSame(a.data(), joined.span(3, 10).array());
        assertEquals(3, joined.span(3, 10).row());
        assertSame(b.data(), joined.span(na + 5, 10).array());
        assertEquals(5, joined.span(na + 5, 10).row());
        float[] across = new float[6 * d];
        joined.readRows(na - 3, 6, across, 0);
        assertArrayEquals(java.util.Arrays.copyOfRange(joined.data(), (na - 3) * d, (na + 3) * d), across);
        assertSame(joined.data(), joined.span(na - 3, 6).array());

        for (int[] tb : new int[][]{{1, 8}, {2, 16}, {3, 64}}) {
            Cells c = new AllPairsEngine(new ScalarTileKernel(), tb[0], tb[1])
                    .runCross(RowMatrix.concat(a, b), na, () -> new Cells(na, nb), ProgressListener.NONE);
            for (int i = 0; i < na; i++) {
                for (int j = 0; j < nb; j++) {
                    double dot = 0, x = 0, y = 0;
                    for (int k = 0; k < d; k++) {
                        dot += (double) ma[i * d + k] * mb[j * d + k];
                        x += (double) ma[i * d + k] * ma[i * d + k];
                        y += (double) mb[j * d + k] * mb[j * d + k];
                    }
                    assertEquals(dot / Math.sqrt(x * y), c.v[i][j], 1e-6, "cell " + i + ", " + j + " (threads " + tb[0] + ", block " + tb[1] + ")");
                }
            }
        }
    }
}
