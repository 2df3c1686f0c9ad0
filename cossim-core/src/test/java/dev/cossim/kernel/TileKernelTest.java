package dev.cossim.kernel;

import dev.cossim.testing.Synthetic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every kernel equals a double-precision dot product of unit rows within 1e-5 on awkward shapes (no size a multiple of a tile or panel). */
class TileKernelTest {
    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[] dims = {1, 3, 7, 8, 13, 127, 384, 768, 1021};
        int[][] mn = {{1, 1}, {5, 7}, {6, 32}, {13, 17}, {37, 71}, {97, 263}};
        for (int d : dims) {
            for (int[] s : mn) {
                out.add(Arguments.of(d, s[0], s[1]));
            }
        }
        return out.stream();
    }

    static List<TileKernel> kernels() {
        return List.of(new ScalarTileKernel(), new VectorTileKernel());
    }

    @ParameterizedTest(name = "d={0} m={1} n={2}")
    @MethodSource("shapes")
    void matchesDoubleReference(int d, int m, int n) {
        int rowsA = m + 3, rowsB = n + 5;
        float[] a = Synthetic.unitRows(Synthetic.gaussian(rowsA, d, 11 + d), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(rowsB, d, 97 + d), d);
        for (TileKernel k : kernels()) {
            float[] out = new float[m * n];
            java.util.Arrays.fill(out, Float.NaN); // the kernel must overwrite, not accumulate into, the tile
            k.dots(a, 2, m, b, 4, n, d, out);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0;
                    for (int q = 0; q < d; q++) {
                        ref += (double) a[(2 + i) * d + q] * b[(4 + j) * d + q];
                    }
                    assertEquals(ref, out[i * n + j], 1e-5,
                            k.name() + " kernel at (" + i + "," + j + ") d=" + d);
                }
            }
        }
    }

    /** Row blocks share per-thread packing space: an older block, or one used from another thread, keeps its own rows. */
    @org.junit.jupiter.api.Test
    void olderRowBlocksAndOtherThreadsStayCorrect() throws Exception {
        int d = 45, m = 14, n = 37;
        float[] a = Synthetic.unitRows(Synthetic.gaussian(3 * m, d, 3), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(n, d, 4), d);
        for (TileKernel k : kernels()) {
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
    }

    /** A row block prepared once (packed by the vector kernel) gives the same tiles against several column blocks. */
    @ParameterizedTest(name = "d={0} m={1} n={2}")
    @MethodSource("shapes")
    void rowBlockServesManyColumnBlocks(int d, int m, int n) {
        float[] a = Synthetic.unitRows(Synthetic.gaussian(m + 1, d, 5 + d), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(3 * n + 2, d, 7 + d), d);
        for (TileKernel k : kernels()) {
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
    }
}
