package dev.cossim.testing;

import dev.cossim.engine.AllPairsEngineTest;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What every tile kernel must do, checked against double precision: a kernel module's test extends this class and
 * says which kernel ({@link #kernel()}); the core's scalar and Vector API kernels and the OpenBLAS kernel all do.
 * Odd shapes from 1 to 1031 rows and columns (no size a multiple of a register tile or panel), operands at offsets
 * inside larger arrays, nothing written past the tile, row blocks that outlive others or move threads, every metric
 * through {@link Metric#kernel}, exact ties, and the all-pairs engine at the block size the kernel asks for.
 */
public abstract class TileKernelConformance {
    /** The kernel under test (a new one per call is fine). */
    protected abstract TileKernel kernel();

    /**
     * How far two exact copies of a row may be apart against a third row: 0 for kernels that compute a value the same
     * wherever it sits in a tile (exact ties, broken by the lower id downstream). OpenBLAS's register tiles round a
     * value's last bit by its position, so for it copies only tie within float32 rounding.
     */
    protected double tieTolerance() {
        return 0;
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[] dims = {1, 3, 7, 8, 13, 127, 384, 768, 1021};
        int[][] mn = {{1, 1}, {5, 7}, {6, 32}, {9, 13}, {13, 17}, {37, 71}, {97, 263}, {1031, 3}, {2, 1031}};
        for (int d : dims) {
            for (int[] s : mn) {
                out.add(Arguments.of(d, s[0], s[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "d={0} m={1} n={2}")
    @MethodSource("shapes")
    void dotsMatchDoubleReference(int d, int m, int n) {
        float[] a = Synthetic.unitRows(Synthetic.gaussian(m + 3, d, 11 + d), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(n + 5, d, 97 + d), d);
        TileKernel k = kernel();
        float[] out = new float[m * n + 7];
        Arrays.fill(out, Float.NaN); // the kernel must overwrite the tile, not accumulate into it, and nothing past it
        k.dots(a, 2, m, b, 4, n, d, out);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = 0;
                for (int q = 0; q < d; q++) {
                    ref += (double) a[(2 + i) * d + q] * b[(4 + j) * d + q];
                }
                assertEquals(ref, out[i * n + j], 1e-5, k.name() + " kernel at (" + i + "," + j + ") d=" + d);
            }
        }
        for (int q = m * n; q < out.length; q++) {
            assertEquals(Float.NaN, out[q], k.name() + " wrote past the tile at " + q);
        }
    }

    /**
     * A column block prepared once gives the double reference's tiles against row blocks at several offsets (from two
     * threads at once), writes nothing past a tile, and gives a row the same values wherever it falls in a block (the
     * block's last row is a copy of its first).
     */
    @ParameterizedTest(name = "d={0} m={1} n={2}")
    @MethodSource("shapes")
    void columnBlockServesManyRowBlocks(int d, int m, int n) throws Exception {
        float[] a = Synthetic.unitRows(Synthetic.gaussian(3 * m + 2, d, 23 + d), d);
        System.arraycopy(a, d, a, m * d, d); // row m (the last of the first block) copies row 1 (its first)
        float[] b = Synthetic.unitRows(Synthetic.gaussian(n + 3, d, 29 + d), d);
        TileKernel k = kernel();
        TileKernel.ColumnBlock block = k.columnBlock(b, 3, n, d);
        int[] starts = {1, m + 1, 2 * m + 1};
        float[][] got = new float[starts.length][m * n + 5];
        Thread other = new Thread(() -> {
            Arrays.fill(got[1], Float.NaN);
            block.dots(a, starts[1], m, got[1]);
        });
        other.start();
        for (int s : new int[]{0, 2}) {
            Arrays.fill(got[s], Float.NaN);
            block.dots(a, starts[s], m, got[s]);
        }
        other.join();
        for (int s = 0; s < starts.length; s++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0;
                    for (int q = 0; q < d; q++) {
                        ref += (double) a[(starts[s] + i) * d + q] * b[(3 + j) * d + q];
                    }
                    assertEquals(ref, got[s][i * n + j], 1e-5, k.name() + " column block at (" + i + "," + j + ") rows from " + starts[s]);
                }
            }
            for (int q = m * n; q < got[s].length; q++) {
                assertEquals(Float.NaN, got[s][q], k.name() + " column block wrote past the tile at " + q);
            }
        }
        for (int j = 0; j < n && m > 1; j++) {
            assertEquals(got[0][j], got[0][(m - 1) * n + j], tieTolerance() * 2, k.name() + ": a row copied to the block's end, column " + j);
        }
    }

    /** A row block prepared once gives the same tiles against several column blocks. */
    @ParameterizedTest(name = "d={0} m={1} n={2}")
    @MethodSource("shapes")
    void rowBlockServesManyColumnBlocks(int d, int m, int n) {
        float[] a = Synthetic.unitRows(Synthetic.gaussian(m + 1, d, 5 + d), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(3 * n + 2, d, 7 + d), d);
        TileKernel k = kernel();
        TileKernel.RowBlock block = k.rowBlock(a, 1, m, d);
        for (int c0 : new int[]{0, n + 2, 2 * n + 1}) {
            float[] got = new float[m * n];
            float[] want = new float[m * n];
            block.dots(b, c0, n, got);
            new ScalarTileKernel().dots(a, 1, m, b, c0, n, d, want);
            for (int q = 0; q < m * n; q++) {
                assertEquals(want[q], got[q], 1e-5, k.name() + " row block at " + q + " column block " + c0 + " d=" + d);
            }
        }
    }

    /**
     * A row block against itself (a diagonal tile): the upper triangle and the diagonal equal the double reference;
     * nothing is written past the tile.
     */
    @ParameterizedTest(name = "d={0} m={1}")
    @MethodSource("selfShapes")
    void dotsSelfGivesTheUpperTriangle(int d, int m) {
        float[] a = Synthetic.unitRows(Synthetic.gaussian(m + 3, d, 17 + d), d);
        TileKernel k = kernel();
        float[] out = new float[m * m + 5];
        Arrays.fill(out, Float.NaN);
        k.rowBlock(a, 2, m, d).dotsSelf(a, 2, m, out);
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                double ref = 0;
                for (int q = 0; q < d; q++) {
                    ref += (double) a[(2 + i) * d + q] * a[(2 + j) * d + q];
                }
                assertEquals(ref, out[i * m + j], 1e-5, k.name() + " kernel self tile at (" + i + "," + j + ") d=" + d);
            }
        }
        for (int q = m * m; q < out.length; q++) {
            assertEquals(Float.NaN, out[q], k.name() + " wrote past the self tile at " + q);
        }
    }

    static Stream<Arguments> selfShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int d : new int[]{1, 7, 384, 1021}) {
            for (int m : new int[]{1, 2, 5, 37, 263, 1031}) {
                out.add(Arguments.of(d, m));
            }
        }
        return out.stream();
    }

    /** Row blocks may share per-thread packing space: an older block, or one used from another thread, keeps its rows. */
    @Test
    void olderRowBlocksAndOtherThreadsStayCorrect() throws Exception {
        int d = 45, m = 14, n = 37;
        float[] a = Synthetic.unitRows(Synthetic.gaussian(3 * m, d, 3), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(n, d, 4), d);
        TileKernel k = kernel();
        TileKernel.RowBlock first = k.rowBlock(a, 0, m, d);
        TileKernel.RowBlock second = k.rowBlock(a, m, m, d);
        float[] want = new float[m * n], got = new float[m * n];
        new ScalarTileKernel().dots(a, 0, m, b, 0, n, d, want);
        first.dots(b, 0, n, got);
        for (int q = 0; q < m * n; q++) {
            assertEquals(want[q], got[q], 1e-5, k.name() + " older row block at " + q);
        }
        float[] want2 = new float[m * n], got2 = new float[m * n];
        new ScalarTileKernel().dots(a, m, m, b, 0, n, d, want2);
        Thread t = new Thread(() -> second.dots(b, 0, n, got2));
        t.start();
        t.join();
        for (int q = 0; q < m * n; q++) {
            assertEquals(want2[q], got2[q], 1e-5, k.name() + " row block used from another thread at " + q);
        }
    }

    /**
     * Each metric's tiles (rows prepared for it, the kernel wrapped by {@link Metric#kernel}) against the metric's
     * double-precision value of the raw rows; a zero row is left out by the preparation, and two rows that are exact
     * copies of each other get identical values against every row (ties, which reducers break by the lower id).
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void everyMetricMatchesDoubleReferenceWithExactTies(Metric metric) {
        int n = 131, d = 45;
        float[] m = Synthetic.gaussian(n, d, 17);
        System.arraycopy(m, 5 * d, m, 70 * d, d); // row 70 is an exact copy of row 5
        Synthetic.zeroRow(m, d, 9);
        RowMatrix rows = RowMatrix.of(Synthetic.tensor(m, n, d), metric.normalization());
        int used = rows.size();
        TileKernel k = metric.kernel(kernel());
        float[] tile = new float[used * used];
        k.dots(rows.data(), 0, used, rows.data(), 0, used, d, tile);
        int[] ids = rows.ids();
        for (int i = 0; i < used; i++) {
            for (int j = i + 1; j < used; j++) {
                double want = MetricReference.value(m, d, metric, ids[i], ids[j]);
                assertEquals(want, tile[i * used + j], 1e-5 * Math.max(1, Math.abs(want)),
                        metric.label() + " " + k.name() + " (" + ids[i] + "," + ids[j] + ")");
            }
        }
        int r5 = rows.indexOf(5), r70 = rows.indexOf(70);
        for (int j = 0; j < used; j++) {
            if (j != r5 && j != r70) {
                // float32 rounding of a dot product scales with the two rows' norms, not with its value
                double scale = Math.max(1, norm(rows.data(), r5, d) * norm(rows.data(), j, d));
                assertEquals(tile[r5 * used + j], tile[r70 * used + j], tieTolerance() * scale, metric.label() + ": the copies tie against row " + ids[j]);
            }
        }
    }

    /** The all-pairs engine at the block size the kernel asks for: two full blocks and a partial one, against brute force. */
    @Test
    void engineAtPreferredBlockMatchesBruteForce() {
        TileKernel k = kernel();
        int block = k.preferredBlock(), d = 37;
        int n = 2 * block + 252;
        AllPairsEngineTest.check(Synthetic.gaussian(n, d, 21), n, d, k, 2, block, 2000, 10);
    }

    private static double norm(float[] data, int row, int d) {
        double ss = 0;
        for (int q = 0; q < d; q++) {
            ss += (double) data[row * d + q] * data[row * d + q];
        }
        return Math.sqrt(ss);
    }
}
