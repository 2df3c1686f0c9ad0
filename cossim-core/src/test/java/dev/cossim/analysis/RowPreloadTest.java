package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Selection;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows read ahead of a request ({@link Analysis#preloadRows}): a request for exactly those rows takes them (its result
 * then comes from the rows as they were read, which the test shows by replacing the file in between) and gets what it
 * would have read itself; any other request drops them and reads its own; a preload that fails leaves the error to the
 * request.
 */
class RowPreloadTest {
    static final int N = 97;
    static final int D = 13;

    @TempDir
    Path dir;

    /** A float32 .npy of N x D Gaussian rows from {@code seed}, with a zero row and a non-finite row. */
    private Path npy(Path file, long seed) throws Exception {
        float[] m = Synthetic.gaussian(N, D, seed);
        Synthetic.zeroRow(m, D, 5);
        m[17 * D + 2] = Float.POSITIVE_INFINITY;
        ByteBuffer b = ByteBuffer.allocate(m.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(m);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        TestFiles.npy(tmp, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + N + ", " + D + "), }", b.array());
        // Replaced by a rename, as a tool writing a new version would: a mapping of the old file stays valid.
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static AnalysisResult run(Path file, Metric metric, Selection rows) {
        return Analysis.open(file).metric(metric).rows(rows).kernel(new ScalarTileKernel()).threads(2).histogram(50).topK(3).run();
    }

    private static void assertSame(AnalysisResult want, AnalysisResult got, String what) {
        assertArrayEquals(want.histogram().counts(), got.histogram().counts(), what);
        assertEquals(want.statistics().mean(), got.statistics().mean(), 1e-12, what);
        assertArrayEquals(want.rows().zeroRows(), got.rows().zeroRows(), what);
        assertArrayEquals(want.rows().nonFiniteRows(), got.rows().nonFiniteRows(), what);
        for (int r = 0; r < want.topK().rows(); r++) {
            assertArrayEquals(want.topK().neighbors(r).ids(), got.topK().neighbors(r).ids(), what + " row " + r);
        }
    }

    @Test
    void aRequestForThoseRowsTakesThem() throws Exception {
        Path file = npy(dir.resolve("m.npy"), 1);
        for (Metric metric : new Metric[]{Metric.COSINE, Metric.CORRELATION, Metric.DOT}) {
            AnalysisResult before = run(file, metric, Selection.ALL);
            Analysis.preloadRows(file.toString(), metric);
            assertTrue(RowPreload.pending());
            npy(file, 2); // another matrix under the same name, after the rows were read
            AnalysisResult got = run(file, metric, Selection.ALL);
            assertFalse(RowPreload.pending(), "taken");
            assertSame(before, got, metric + ": the preloaded rows");
            assertSame(run(file, metric, Selection.ALL), run(file, metric, Selection.ALL), metric + ": no preload left behind");
            assertFalse(java.util.Arrays.equals(before.histogram().counts(), run(file, metric, Selection.ALL).histogram().counts()),
                    metric + ": the new file's rows differ");
            npy(file, 1);
        }
    }

    @Test
    void anyOtherRequestDropsThemAndReadsItsOwn() throws Exception {
        Path file = npy(dir.resolve("m.npy"), 3);
        AnalysisResult dot = run(file, Metric.DOT, Selection.ALL);
        Analysis.preloadRows(file.toString(), Metric.COSINE); // other normalisation
        assertSame(dot, run(file, Metric.DOT, Selection.ALL), "dot after a cosine preload");
        assertFalse(RowPreload.pending(), "dropped");

        Selection some = new Selection("0-60", null, 1, 0, 0);
        AnalysisResult part = run(file, Metric.COSINE, some);
        Analysis.preloadRows(file.toString(), Metric.COSINE); // every row; the request selects some
        assertSame(part, run(file, Metric.COSINE, some), "a selection after a preload of every row");
        assertFalse(RowPreload.pending(), "dropped");

        Path other = npy(dir.resolve("other.npy"), 4);
        AnalysisResult cos = run(file, Metric.COSINE, Selection.ALL);
        Analysis.preloadRows(other.toString(), Metric.COSINE); // another model
        assertSame(cos, run(file, Metric.COSINE, Selection.ALL), "another model's preload");
        assertFalse(RowPreload.pending(), "dropped");
    }

    @Test
    void aFailedPreloadLeavesTheErrorToTheRequest() {
        Path missing = dir.resolve("missing.npy");
        Analysis.preloadRows(missing.toString(), Metric.COSINE);
        CossimException e = assertThrows(CossimException.class, () -> run(missing, Metric.COSINE, Selection.ALL));
        assertTrue(e.getMessage().contains("missing.npy"), e.getMessage());
        assertFalse(RowPreload.pending());
    }
}
