package dev.cossim.blas;

import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The OpenBLAS kernel equals the scalar reference within 1e-5 on awkward shapes, at offsets inside larger arrays. */
class BlasTileKernelTest {
    @org.junit.jupiter.api.BeforeAll
    static void onTheShippedPlatform() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.bytedeco.javacpp.Loader.getPlatform().equals("linux-x86_64"),
                "OpenBLAS binaries are shipped for linux-x86_64 only");
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[] dims = {1, 3, 7, 8, 13, 127, 384, 768, 1021};
        int[][] mn = {{1, 1}, {5, 7}, {6, 32}, {13, 17}, {37, 71}, {259, 301}};
        for (int d : dims) {
            for (int[] s : mn) {
                out.add(Arguments.of(d, s[0], s[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "d={0} m={1} n={2}")
    @MethodSource("shapes")
    void matchesScalarReference(int d, int m, int n) {
        int rowsA = m + 3, rowsB = n + 5;
        float[] a = Synthetic.unitRows(Synthetic.gaussian(rowsA, d, 11 + d), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(rowsB, d, 97 + d), d);
        float[] want = new float[m * n];
        new ScalarTileKernel().dots(a, 2, m, b, 4, n, d, want);
        TileKernel blas = new BlasTileKernel();
        float[] got = new float[m * n + 7];
        Arrays.fill(got, Float.NaN); // must overwrite the tile, and nothing past it
        blas.dots(a, 2, m, b, 4, n, d, got);
        for (int q = 0; q < m * n; q++) {
            assertEquals(want[q], got[q], 1e-5, "blas at (" + q / n + "," + q % n + ") d=" + d);
        }
        for (int q = m * n; q < got.length; q++) {
            assertEquals(Float.NaN, got[q], "written past the tile at " + q);
        }
    }

    /** Row blocks share a per-thread buffer: an older block, or one used from another thread, still gives its own rows. */
    @org.junit.jupiter.api.Test
    void rowBlocksStayCorrectWhenInterleavedAndSharedAcrossThreads() throws Exception {
        int d = 37, m = 11, n = 13;
        float[] a = Synthetic.unitRows(Synthetic.gaussian(3 * m, d, 1), d);
        float[] b = Synthetic.unitRows(Synthetic.gaussian(n, d, 2), d);
        TileKernel blas = new BlasTileKernel();
        TileKernel.RowBlock first = blas.rowBlock(a, 0, m, d);
        TileKernel.RowBlock second = blas.rowBlock(a, m, m, d);
        float[] want = new float[m * n];
        float[] got = new float[m * n];
        new ScalarTileKernel().dots(a, 0, m, b, 0, n, d, want);
        first.dots(b, 0, n, got);
        for (int q = 0; q < m * n; q++) {
            assertEquals(want[q], got[q], 1e-5, "older row block at " + q);
        }
        float[] want2 = new float[m * n];
        float[] got2 = new float[m * n];
        new ScalarTileKernel().dots(a, m, m, b, 0, n, d, want2);
        Thread t = new Thread(() -> second.dots(b, 0, n, got2));
        t.start();
        t.join();
        for (int q = 0; q < m * n; q++) {
            assertEquals(want2[q], got2[q], 1e-5, "row block used from another thread at " + q);
        }
    }
}
