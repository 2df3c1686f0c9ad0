package dev.cossim.analysis;

import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.results.Group;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Pair;
import dev.cossim.source.SafetensorsFile;
import dev.cossim.source.Tensor;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streamed rows (the model stays mapped; each tile's rows are read and normalised when it needs them) against packed
 * rows: the same normalised values to the bit, and so every analysis of one request the same to the bit, for every
 * metric, over a bfloat16 safetensors file with a zero row, a non-finite row and an exact tie; and against the
 * double-precision reference.
 */
class StreamedRowsTest {
    static final int N = 203;
    static final int D = 37;

    @TempDir
    Path dir;

    /** A bfloat16 matrix (values rounded to bfloat16 first, so the reference sees what the file holds). */
    private Path bf16Model(float[] m) {
        StringBuilder json = new StringBuilder("{\"emb\":{\"dtype\":\"BF16\",\"shape\":[" + N + "," + D + "],\"data_offsets\":[0,"
                + (long) N * D * 2 + "]}}");
        return TestFiles.safetensors(dir.resolve("m.safetensors"), json.toString(), TestFiles.bf16(m));
    }

    private static float[] matrix() {
        float[] m = Synthetic.gaussian(N, D, 21);
        for (int i = 0; i < m.length; i++) {
            m[i] += i % D == 0 ? 0.25f : 0; // a shared offset, so that centring matters
            m[i] = Float.intBitsToFloat(Float.floatToRawIntBits(m[i]) & 0xffff0000); // exactly representable in bfloat16
        }
        Synthetic.duplicate(m, D, 7, 150, 2f); // an exact tie (2 is exact in bfloat16)
        Synthetic.zeroRow(m, D, 19);
        m[41 * D + 3] = Float.NaN;
        return m;
    }

    @Test
    void streamedRowsReadAsPackedRowsToTheBit() {
        float[] m = matrix();
        Tensor t = Synthetic.tensor(m, N, D);
        int[] selection = IntStream.range(0, N).map(i -> (i * 37) % N).toArray(); // every row, out of order
        for (Normalization norm : Normalization.values()) {
            RowMatrix packed = RowMatrix.of(t, norm, selection);
            RowMatrix streamed = RowMatrix.streamed(t, norm, selection);
            assertTrue(packed.packed());
            assertFalse(streamed.packed());
            assertArrayEquals(packed.ids(), streamed.ids(), norm.toString());
            assertArrayEquals(packed.zeroRows(), streamed.zeroRows());
            assertArrayEquals(packed.nonFiniteRows(), streamed.nonFiniteRows());
            assertArrayEquals(new int[]{19}, streamed.zeroRows());
            assertArrayEquals(new int[]{41}, streamed.nonFiniteRows());
            float[] all = new float[streamed.size() * D];
            // Odd blocks, so that no block boundary is special.
            for (int r0 = 0; r0 < streamed.size(); r0 += 17) {
                int count = Math.min(17, streamed.size() - r0);
                streamed.readRows(r0, count, all, r0 * D);
            }
            for (int i = 0; i < all.length; i++) {
                assertEquals(Float.floatToRawIntBits(packed.data()[i]), Float.floatToRawIntBits(all[i]), norm + " value " + i);
            }
            // Both to the bit as the textbook says: sums in double in index order, then (float) ((x - mean) * (1 / norm)).
            for (int r = 0; r < packed.size(); r++) {
                int id = packed.id(r);
                double mean = 0, ss = 0;
                if (norm == Normalization.CENTRED_UNIT) {
                    for (int q = 0; q < D; q++) {
                        mean += m[id * D + q];
                    }
                    mean /= D;
                }
                for (int q = 0; q < D; q++) {
                    double x = m[id * D + q] - mean;
                    ss += x * x;
                }
                double inv = 1.0 / Math.sqrt(ss);
                for (int q = 0; q < D; q++) {
                    float want = norm == Normalization.NONE ? m[id * D + q] : (float) ((m[id * D + q] - mean) * inv);
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(packed.data()[r * D + q]), norm + " row " + id);
                }
            }
            float[] some = new float[5 * D];
            packed.readRows(100, 5, some, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(packed.data(), 100 * D, 105 * D), some);
            IllegalStateException e = assertThrows(IllegalStateException.class, streamed::data);
            assertTrue(e.getMessage().contains("streamed"), e.getMessage());
        }
    }

    static List<TileKernel> kernels() {
        return List.of(new ScalarTileKernel(), new VectorTileKernel());
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void aStreamedRunEqualsAPackedRunToTheBit(Metric metric) {
        float[] m = matrix();
        Path file = bf16Model(m);
        double threshold = metric == Metric.EUCLIDEAN ? 0.9 : metric == Metric.DOT ? 4 : 0.45;
        for (TileKernel kernel : kernels()) {
            // One thread: the statistics' sums are then merged in one order, and so equal to the bit.
            AnalysisResult[] r = new AnalysisResult[2];
            for (int s = 0; s < 2; s++) {
                r[s] = Analysis.open(file).metric(metric).kernel(kernel).threads(1).block(32)
                        .packedRowLimit(s == 0 ? Long.MAX_VALUE : 0)
                        .histogram(300).topK(4).topPairs(9, false).nearDuplicates(threshold, 1_000_000).rowStatistics(threshold)
                        .heatmap(8).run();
            }
            String what = metric + " " + kernel.name();
            AnalysisResult a = r[0], b = r[1];
            assertArrayEquals(a.bounds(), b.bounds(), what);
            assertArrayEquals(a.histogram().counts(), b.histogram().counts(), what);
            assertEquals(a.statistics().mean(), b.statistics().mean(), 0, what);
            assertEquals(a.statistics().std(), b.statistics().std(), 0, what);
            assertEquals(a.statistics().min(), b.statistics().min(), what);
            assertEquals(a.statistics().max(), b.statistics().max(), what);
            for (int row = 0; row < a.topK().rows(); row++) {
                Neighbors x = a.topK().neighbors(row), y = b.topK().neighbors(row);
                assertArrayEquals(x.ids(), y.ids(), what + " row " + row);
                assertArrayEquals(x.similarities(), y.similarities(), what + " row " + row);
            }
            assertArrayEquals(a.topPairs(), b.topPairs(), what);
            assertEquals(a.nearDuplicates().count(), b.nearDuplicates().count(), what);
            List<Group> ga = a.nearDuplicates().groups(), gb = b.nearDuplicates().groups();
            assertEquals(ga.size(), gb.size(), what);
            for (int g = 0; g < ga.size(); g++) {
                assertArrayEquals(ga.get(g).ids(), gb.get(g).ids(), what);
            }
            assertArrayEquals(a.rowStatistics().meanSimilarity(), b.rowStatistics().meanSimilarity(), what);
            assertArrayEquals(a.rowStatistics().hubness(), b.rowStatistics().hubness(), what);
            assertArrayEquals(a.heatmap().mean(), b.heatmap().mean(), what);
            assertArrayEquals(a.heatmap().max(), b.heatmap().max(), what);
            assertArrayEquals(new int[]{19}, b.rows().zeroRows(), what);
            assertArrayEquals(new int[]{41}, b.rows().nonFiniteRows(), what);

            // And a streamed run on two threads against the double-precision reference over the usable rows.
            b = Analysis.open(file).metric(metric).kernel(kernel).threads(2).block(32).packedRowLimit(0)
                    .histogram(300).topK(4).topPairs(9, false).run();
            int[] usable = IntStream.range(0, N).filter(i -> i != 19 && i != 41).toArray();
            MetricReference ref = MetricReference.within(m, D, metric, usable);
            assertEquals(ref.count(), b.pairCount(), what);
            assertEquals(ref.mean(), b.statistics().mean(), 1e-5 * Math.max(1, Math.abs(ref.mean())), what);
            assertEquals(ref.max(), b.statistics().max().similarity(), 1e-5 * Math.max(1, Math.abs(ref.max())), what);
            Pair best = b.topPairs()[0];
            assertEquals(metric.smallerIsCloser() ? ref.min() : ref.max(), best.similarity(), 1e-5 * Math.max(1, Math.abs(ref.max())), what);
        }
    }

    @Test
    void aStreamedCheckpointedRunResumesAsAPackedOne() {
        float[] m = matrix();
        Path file = bf16Model(m);
        AnalysisResult packed = Analysis.open(file).kernel(new VectorTileKernel()).threads(2).block(16).packedRowLimit(Long.MAX_VALUE)
                .histogram(100).topK(3).checkpoint(dir.resolve("c1"), 60).run();
        AnalysisResult streamed = Analysis.open(file).kernel(new VectorTileKernel()).threads(2).block(16).packedRowLimit(0)
                .histogram(100).topK(3).checkpoint(dir.resolve("c2"), 60).run();
        assertArrayEquals(packed.histogram().counts(), streamed.histogram().counts());
        assertEquals(packed.statistics().mean(), streamed.statistics().mean(), 0);
        assertEquals(packed.statistics().std(), streamed.statistics().std(), 0);
        // The checkpoint's fingerprint of the rows is the same whether they were packed or streamed.
        assertEquals(CheckpointFile.fingerprint(packed.rows(), -1).length(), 64);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Tensor t = f.tensor("emb");
            int[] all = IntStream.range(0, N).toArray();
            assertEquals(CheckpointFile.fingerprint(RowMatrix.of(t, Normalization.UNIT, all), -1),
                    CheckpointFile.fingerprint(RowMatrix.streamed(t, Normalization.UNIT, all), -1));
        }
    }
}
