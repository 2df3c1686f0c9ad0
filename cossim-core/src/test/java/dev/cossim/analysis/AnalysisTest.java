package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Selection;
import dev.cossim.results.Group;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Pair;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facade against double-precision brute force: one request computing every analysis in one pass gives what each
 * analysis gives alone and what the reference gives; a rectangular run covers exactly A x B; bad requests are refused
 * before any row is read, naming the library's parameter.
 */
class AnalysisTest {
    static final int N = 157;
    static final int D = 29;

    static float[] matrix() {
        float[] m = Synthetic.gaussian(N, D, 8);
        Synthetic.duplicate(m, D, 4, 90, 2f);  // an exact tie
        Synthetic.zeroRow(m, D, 13);            // left out, and said so
        return m;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void onePassOfEveryAnalysisEqualsTheReference(Metric metric) {
        float[] m = matrix();
        int[] all = IntStream.range(0, N).toArray();
        MetricReference ref = MetricReference.within(m, D, metric, all);
        double threshold = metric == Metric.EUCLIDEAN ? 5.5 : metric == Metric.DOT ? 6 : 0.45;
        AnalysisResult r = Analysis.of(m, N, D).metric(metric).kernel(new VectorTileKernel()).threads(2).block(32)
                .histogram(500).topK(5).topPairs(7, false).nearDuplicates(threshold, 1_000_000).rowStatistics(threshold)
                .heatmap(16).run();

        assertEquals(ref.count(), r.pairCount());
        assertEquals(ref.count(), r.statistics().count());
        assertEquals(ref.mean(), r.statistics().mean(), 1e-5 * Math.max(1, Math.abs(ref.mean())));
        assertEquals(ref.std(), r.statistics().std(), 1e-5 * Math.max(1, ref.std()));
        assertEquals(ref.max(), r.statistics().max().similarity(), 1e-5 * Math.max(1, Math.abs(ref.max())));
        assertEquals(ref.min(), r.statistics().min().similarity(), 1e-5 * Math.max(1, Math.abs(ref.min())));
        assertEquals(ref.count(), r.histogram().total());
        assertEquals(N - 1, r.rows().size());
        assertArrayEquals(new int[]{13}, r.rows().zeroRows(), "the zero row is left out for every metric, and reported");

        // top pairs: the reference's best 7, ties by lower (i, j)
        int[] best = ref.ranked(metric.smallerIsCloser());
        Pair[] top = r.topPairs();
        assertEquals(7, top.length);
        for (int q = 0; q < 7; q++) {
            assertEquals(ref.pv[best[q]], top[q].similarity(), 1e-5 * Math.max(1, Math.abs(ref.pv[best[q]])), "top pair " + q);
        }

        // near-duplicates: every qualifying pair, in groups
        long qualifying = 0;
        for (double v : ref.pv) {
            qualifying += (metric.smallerIsCloser() ? v <= threshold : v >= threshold) ? 1 : 0;
        }
        long nearEdge = 0;
        for (double v : ref.pv) {
            nearEdge += Math.abs(v - threshold) <= 1e-5 * Math.max(1, Math.abs(threshold)) ? 1 : 0;
        }
        long found = r.nearDuplicates().count();
        assertTrue(Math.abs(found - qualifying) <= nearEdge, found + " pairs found, " + qualifying + " in double precision");
        assertTrue(qualifying > 0, "the threshold lets some pairs through");
        assertEquals(found, r.nearDuplicates().groups().stream().mapToLong(Group::pairs).sum());

        // row statistics: the hubness counts add up to twice the pairs found (each pair counts for both rows)
        assertEquals(2 * found, java.util.Arrays.stream(r.rowStatistics().hubness()).sum());
        assertEquals(N - 1, r.rowStatistics().ids().length);

        // the same request, one analysis at a time, gives the same results
        AnalysisResult alone = Analysis.of(m, N, D).metric(metric).kernel(new VectorTileKernel()).threads(1).histogram(500).topK(5).run();
        assertArrayEquals(alone.histogram().counts(), r.histogram().counts());
        assertEquals(alone.statistics().max(), r.statistics().max());
        for (int row = 0; row < r.topK().rows(); row++) {
            Neighbors a = alone.topK().neighbors(row), b = r.topK().neighbors(row);
            assertArrayEquals(a.ids(), b.ids());
            assertArrayEquals(a.similarities(), b.similarities());
        }
        assertEquals(16, r.heatmap().size());
        assertNull(r.submatrix());
        assertNull(r.matrix());
    }

    @Test
    void rectangularRunCoversAxBAndTheMatrixFileHoldsEveryValue(@TempDir Path dir) throws Exception {
        float[] m = matrix();
        Selection a = new Selection("0-39", null, 1, 0, 0);
        Selection b = new Selection("30-99", null, 1, 0, 0); // 30-39 are in A too: left out of B
        Path npy = dir.resolve("m.npy");
        AnalysisResult r = Analysis.of(m, N, D).rows(a).against(b).kernel(new ScalarTileKernel()).submatrixValues(10_000)
                .saveMatrix(npy, dev.cossim.output.NpyMatrixWriter.Precision.F32).run();
        assertTrue(r.rectangular());
        assertEquals(39, r.sizeA(), "rows 0-39 but the zero row 13");
        assertEquals(60, r.sizeB());
        assertEquals(10, r.droppedFromB());
        assertEquals(39L * 60, r.pairCount());
        MetricReference ref = MetricReference.cross(m, D, Metric.COSINE, IntStream.range(0, 40).toArray(), IntStream.range(40, 100).toArray());
        assertEquals(39, ref.idsA.length);
        assertEquals(ref.count(), r.submatrix().statistics().count());
        assertEquals(ref.max(), r.submatrix().statistics().max().similarity(), 1e-6);
        assertNotNull(r.matrix());
        assertEquals(npy, r.matrix().file());
        assertEquals(128 + 39L * 60 * 4, Files.size(npy), "a 128-byte header and 39 x 60 float32 values");
        assertTrue(Files.exists(r.matrix().rowIds()) && Files.exists(r.matrix().colIds()));
    }

    /** Partial runs over a cut of the prepared rows (A with A, B with B, A with B) merge into the whole run. */
    @Test
    void partialsOverPanelsMergeIntoTheWholeRun() {
        float[] m = matrix();
        dev.cossim.matrix.RowMatrix all = dev.cossim.matrix.RowMatrix.of(Synthetic.tensor(m, N, D), Metric.COSINE.normalization());
        dev.cossim.matrix.RowMatrix a = dev.cossim.matrix.RowMatrix.of(Synthetic.tensor(m, N, D), Metric.COSINE.normalization(),
                IntStream.range(0, 70).toArray());
        dev.cossim.matrix.RowMatrix b = dev.cossim.matrix.RowMatrix.of(Synthetic.tensor(m, N, D), Metric.COSINE.normalization(),
                IntStream.range(70, N).toArray());
        var kernel = new ScalarTileKernel();
        AnalysisResult whole = Analysis.of(m, N, D).kernel(kernel).histogram(300).topK(0).run();
        var merged = Analysis.ofPrepared(a, null).kernel(kernel).block(16).histogram(300).runPartial(List.of()).summary();
        merged.merge(Analysis.ofPrepared(b, null).kernel(kernel).block(16).histogram(300).runPartial(List.of()).summary());
        merged.merge(Analysis.ofPrepared(a, b).kernel(kernel).block(16).histogram(300).runPartial(List.of()).summary());
        assertEquals(all.size(), a.size() + b.size());
        assertArrayEquals(whole.histogram().counts(), merged.histogram().counts());
        assertEquals(whole.statistics().count(), merged.statistics().count());
        assertEquals(whole.statistics().max(), merged.statistics().max());
        assertEquals(whole.statistics().min(), merged.statistics().min());
        assertEquals(whole.statistics().mean(), merged.statistics().mean(), 1e-12);
        assertThrows(CossimException.class, () -> Analysis.ofPrepared(a, null).histogram(10).topPairs(3, false).runPartial(List.of()));
        assertThrows(IllegalStateException.class, () -> Analysis.of(m, N, D).histogram(10).runPartial(List.of()));
    }

    @Test
    void nearestRowsOfOneVectorByCosine() {
        float[] m = matrix();
        double[] q = new double[D];
        for (int i = 0; i < D; i++) {
            q[i] = m[4 * D + i];
        }
        Nearest nb = Analysis.of(m, N, D).kernel(new ScalarTileKernel()).nearest(q, 3, 4);
        assertEquals(90, nb.ids()[0], "row 90 points the same way as row 4");
        assertEquals(1.0, nb.similarities()[0], 1e-6);
        assertEquals(N - 1, nb.searched());
        assertEquals(1, nb.excluded());
    }

    @Test
    void badRequestsAreRefusedInTheLibrarysWords() {
        float[] m = matrix();
        ParameterException bins = assertThrows(ParameterException.class, () -> Analysis.of(m, N, D).histogram(0).run());
        assertEquals("bins", bins.parameter());
        assertEquals("bins 0: must be at least 1", bins.getMessage());
        assertEquals("bins 2147483647: at most 100,000,000 (8 bytes a bin for every thread)",
                assertThrows(ParameterException.class, () -> Analysis.of(m, N, D).histogram(Integer.MAX_VALUE).run()).getMessage());
        ParameterException k = assertThrows(ParameterException.class, () -> Analysis.of(m, N, D).topK(N).run());
        assertEquals("top-k " + N + ": must be less than the number of usable rows (" + (N - 1) + ")", k.getMessage());
        ParameterException t = assertThrows(ParameterException.class, () -> Analysis.of(m, N, D).nearDuplicates(1.5, 10).run());
        assertEquals("threshold", t.parameter());
        assertEquals("--threshold 1.5: a cosine threshold must be in [-1, 1]", t.renderAs("--threshold"));
        assertThrows(ParameterException.class, () -> Analysis.of(m, N, D).metric(Metric.EUCLIDEAN).rowStatistics(-1).run());
        assertThrows(ParameterException.class, () -> Analysis.of(m, N, D).rowStatistics(Double.NaN).run());
        assertThrows(CossimException.class, () -> Analysis.of(m, N, D).run(), "a request for nothing");
        assertThrows(CossimException.class, () -> Analysis.of(m, N, D).histogram(10).correlationVsCosine(10, 10, 1).run());
        CossimException none = assertThrows(CossimException.class,
                () -> Analysis.of(m, N, D).rows(new Selection("13", null, 1, 0, 0)).histogram(10).run());
        assertTrue(none.getMessage().contains("fewer than two usable rows"), none.getMessage());
        // checked before any row is read: a file that does not exist is never opened
        ParameterException early = assertThrows(ParameterException.class,
                () -> Analysis.open(Path.of("no-such-model.safetensors")).histogram(-3).run());
        assertEquals("bins", early.parameter());
        assertFalse(List.of(early.getMessage()).isEmpty());
    }
}
