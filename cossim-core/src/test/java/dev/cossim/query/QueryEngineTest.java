package dev.cossim.query;

import dev.cossim.matrix.Metric;

import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.source.DType;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engine results equal a plain double-precision brute force over the same stored values, for every metric. */
class QueryEngineTest {
    @TempDir
    Path dir;

    static final int D = 19;


    /** Sorted global rows and scores of a brute force in double: skips non-finite rows, zero rows for cosine. */
    static QueryEngine.Hit[] brute(double[][] rows, double[] q, Metric m, int k) {
        List<QueryEngine.Hit> all = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            double[] x = rows[r];
            double dot = 0, qq = 0, xx = 0, dd = 0;
            boolean finite = true;
            for (int i = 0; i < x.length; i++) {
                finite &= Double.isFinite(x[i]);
                dot += q[i] * x[i];
                qq += q[i] * q[i];
                xx += x[i] * x[i];
                dd += (q[i] - x[i]) * (q[i] - x[i]);
            }
            if (!finite || (m == Metric.COSINE && xx == 0)) {
                continue;
            }
            double s = switch (m) {
                case COSINE -> dot / (Math.sqrt(qq) * Math.sqrt(xx));
                case DOT -> dot;
                case EUCLIDEAN -> Math.sqrt(dd);
                case CORRELATION -> throw new IllegalArgumentException("queries do not take correlation");
            };
            all.add(new QueryEngine.Hit(r, s));
        }
        Comparator<QueryEngine.Hit> c = Comparator.comparingDouble(QueryEngine.Hit::score);
        all.sort((m.largest() ? c.reversed() : c).thenComparingLong(QueryEngine.Hit::row));
        return all.subList(0, Math.min(k, all.size())).toArray(new QueryEngine.Hit[0]);
    }

    static void assertSameHits(QueryEngine.Hit[] want, QueryEngine.Hit[] got, String what) {
        long[] wr = Arrays.stream(want).mapToLong(QueryEngine.Hit::row).toArray();
        long[] gr = Arrays.stream(got).mapToLong(QueryEngine.Hit::row).toArray();
        assertArrayEquals(wr, gr, what + ": rows");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].score(), got[i].score(), 1e-9 * Math.max(1, Math.abs(want[i].score())), what + ": score " + i);
        }
    }

    /** Three batches (two .npy, one safetensors; 40, 1 and 57 rows), with duplicate rows across batches, a zero and a NaN row. */
    private float[] writeCorpus(Path where) throws Exception {
        java.nio.file.Files.createDirectories(where);
        int n = 98;
        float[] m = Synthetic.gaussian(n, D, 11);
        Synthetic.duplicate(m, D, 3, 50, 1f);   // a tie across batches: row 50 equals row 3
        Synthetic.duplicate(m, D, 3, 90, 1f);
        Synthetic.duplicate(m, D, 7, 8, 1f);    // and within a batch
        Synthetic.zeroRow(m, D, 60);
        m[70 * D + 4] = Float.NaN;
        BatchFiles.npy(where, "part_2.npy", DType.F32, Arrays.copyOfRange(m, 0, 40 * D), 40, D);
        BatchFiles.npy(where, "part_10.npy", DType.F32, Arrays.copyOfRange(m, 40 * D, 41 * D), 1, D);
        BatchFiles.safetensors(where, "part_11.safetensors", "vectors", Arrays.copyOfRange(m, 41 * D, n * D), 57, D);
        return m;
    }

    static double[][] rows(float[] m, int d) {
        double[][] r = new double[m.length / d][d];
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < d; j++) {
                r[i][j] = m[i * d + j];
            }
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(value = Metric.class, mode = EnumSource.Mode.EXCLUDE, names = "CORRELATION")
    void equalsBruteForceAcrossBatchesWithTies(Metric metric) throws Exception {
        float[] m = writeCorpus(dir.resolve("c"));
        double[][] rows = rows(m, D);
        double[][] queries = {rows[3], rows[7], rows(Synthetic.gaussian(2, D, 5), D)[0], rows(Synthetic.gaussian(2, D, 5), D)[1]};
        for (TileKernel kernel : List.of(new ScalarTileKernel(), new VectorTileKernel())) {
            for (int[] tb : new int[][]{{1, 512}, {3, 7}, {2, 1}}) {
                try (Corpus c = Corpus.open(List.of(dir.resolve("c")), null, null)) {
                    assertEquals(98, c.rows());
                    QueryEngine e = new QueryEngine(kernel, tb[0], tb[1]);
                    for (int k : new int[]{1, 5, 97}) {
                        QueryEngine.Result r = e.search(c, c.position(null), queries, null, metric, k, ProgressListener.NONE, null);
                        assertEquals(1, r.nonFiniteRows());
                        assertEquals(metric == Metric.COSINE ? 1 : 0, r.zeroRows());
                        for (int q = 0; q < queries.length; q++) {
                            assertSameHits(brute(rows, queries[q], metric, k), r.hits().get(q),
                                    metric + " " + kernel.name() + " threads " + tb[0] + " block " + tb[1] + " k " + k + " query " + q);
                        }
                    }
                }
            }
        }
    }

    /**
     * Correlation (Pearson r, mean-centred cosine) over the corpus: rows shifted far from zero (a mean 10,000 times
     * their spread, where q.x of the raw rows in float32 would lose the ranking), a constant row (no correlation: skipped and
     * counted with the zero rows) and the corpus's own ties, against the exact double score of every row.
     */
    @Test
    void correlationEqualsBruteForceOnShiftedRowsWithTies() throws Exception {
        float[] m = writeCorpus(dir.resolve("corr"));
        double[][] rows = rows(m, D);
        java.nio.file.Files.createDirectories(dir.resolve("shifted"));
        int n = 60;
        float[] sh = Synthetic.gaussian(n, D, 23);
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < D; i++) {
                sh[r * D + i] = sh[r * D + i] * 0.01f + (r % 3 == 0 ? 100f : -40f);
            }
        }
        Arrays.fill(sh, 7 * D, 8 * D, 2.5f); // a constant row
        // Rows 20..39: one direction plus 1% noise, on a mean of 100: their correlations with that direction differ
        // by about 1e-5, far below the float32 cancellation in q.x of the raw rows (about 3e-4 here).
        float[] base = Synthetic.gaussian(1, D, 41), noise = Synthetic.gaussian(20, D, 43);
        for (int r = 20; r < 40; r++) {
            for (int i = 0; i < D; i++) {
                sh[r * D + i] = 100f + 0.01f * (base[i] + 0.01f * noise[(r - 20) * D + i]);
            }
        }
        BatchFiles.npy(dir.resolve("shifted"), "s.npy", DType.F32, sh, n, D);
        double[][] shifted = rows(sh, D);
        for (Path corpus : List.of(dir.resolve("corr"), dir.resolve("shifted"))) {
            double[][] all = corpus.endsWith("corr") ? rows : shifted;
            double[][] queries = {all[3], all[10], rows(Synthetic.gaussian(1, D, 31), D)[0], rows(Synthetic.gaussian(1, D, 41), D)[0]};
            for (TileKernel kernel : List.of(new ScalarTileKernel(), new VectorTileKernel())) {
                try (Corpus c = Corpus.open(List.of(corpus), null, null)) {
                    QueryEngine.Result r = new QueryEngine(kernel, 2, 16).search(c, 0, queries, null, Metric.CORRELATION, 6,
                            ProgressListener.NONE, null);
                    for (int q = 0; q < queries.length; q++) {
                        List<QueryEngine.Hit> want = new ArrayList<>();
                        for (int row = 0; row < all.length; row++) {
                            double v = Metric.CORRELATION.score(queries[q], all[row]);
                            if (Double.isFinite(v) && !(corpus.endsWith("shifted") && row == 7)) {
                                want.add(new QueryEngine.Hit(row, v));
                            }
                        }
                        want.sort(Comparator.comparingDouble(QueryEngine.Hit::score).reversed().thenComparingLong(QueryEngine.Hit::row));
                        assertSameHits(want.subList(0, 6).toArray(new QueryEngine.Hit[0]), r.hits().get(q),
                                corpus.getFileName() + " " + kernel.name() + " query " + q);
                    }
                    if (corpus.endsWith("shifted")) {
                        assertEquals(1, r.zeroRows(), "the constant row");
                    }
                }
            }
        }
    }

    /**
     * Dot products skip the norms pass and find non-finite rows from their scores: rows with +inf, -inf or NaN are
     * skipped and counted, while a finite row whose float32 score overflows (values of 3e38) is kept and ranked by
     * its double score.
     */
    @Test
    void dotSkipsNonFiniteRowsButKeepsFiniteRowsWhoseScoreOverflows() throws Exception {
        int n = 30;
        float[] m = Synthetic.gaussian(n, D, 17);
        m[5 * D + 2] = Float.POSITIVE_INFINITY;
        m[9 * D] = Float.NEGATIVE_INFINITY;
        m[12 * D + D - 1] = Float.NaN;
        Arrays.fill(m, 20 * D, 21 * D, 3e38f);
        java.nio.file.Files.createDirectories(dir.resolve("h"));
        BatchFiles.npy(dir.resolve("h"), "huge.npy", DType.F32, m, n, D);
        double[][] rows = rows(m, D);
        double[] up = new double[D], down = new double[D];
        Arrays.fill(up, 1);
        Arrays.fill(down, -1);
        double[][] queries = {up, down, rows(Synthetic.gaussian(1, D, 3), D)[0]};
        for (TileKernel kernel : List.of(new ScalarTileKernel(), new VectorTileKernel())) {
            for (int block : new int[]{1, 4, 64}) {
                try (Corpus c = Corpus.open(List.of(dir.resolve("h")), null, null)) {
                    QueryEngine.Result r = new QueryEngine(kernel, 2, block)
                            .search(c, 0, queries, null, Metric.DOT, n - 3, ProgressListener.NONE, null);
                    assertEquals(3, r.nonFiniteRows(), kernel.name() + " block " + block);
                    assertEquals(20, r.hits().get(0)[0].row(), "the overflowing row is the best match of all-ones");
                    assertEquals(20, r.hits().get(1)[n - 4].row(), "and the worst of all-minus-ones");
                    for (int q = 0; q < queries.length; q++) {
                        assertSameHits(brute(rows, queries[q], Metric.DOT, n - 3), r.hits().get(q), kernel.name() + " block " + block + " query " + q);
                    }
                }
            }
        }
    }

    /**
     * A search waits for the warm-up of its metric and k started before it (and only for that one), and says how long
     * it waited; once that warm-up is done, no search waits again; a small search never waits.
     */
    @Test
    void aSearchWaitsForItsWarmUpOnlyWhileItRuns() throws Exception {
        QueryEngine.warmUpInBackground(Metric.EUCLIDEAN, 23, new VectorTileKernel());
        double first = QueryEngine.awaitWarmUp(Metric.EUCLIDEAN, 23);
        assertTrue(first >= 0 && first <= QueryEngine.MAX_WARM_UP_WAIT_MS / 1e3 + 1, "waited " + first);
        QueryEngine.awaitWarmUp(Metric.EUCLIDEAN, 23); // at most another bounded wait, should the first have timed out
        assertEquals(0.0, QueryEngine.awaitWarmUp(Metric.DOT, 977), "no warm-up of that metric and k was started");
        double[][] rows = rows(writeCorpus(dir.resolve("c")), D);
        try (Corpus c = Corpus.open(List.of(dir.resolve("c")), null, null)) {
            QueryEngine.warmUpInBackground(Metric.EUCLIDEAN, 29, new VectorTileKernel());
            QueryEngine.Result r = new QueryEngine(new VectorTileKernel(), 2, 8)
                    .search(c, 0, new double[][]{rows[3]}, null, Metric.EUCLIDEAN, 29, ProgressListener.NONE, null);
            assertTrue(c.rows() * D < QueryEngine.MIN_PRODUCTS_TO_WAIT);
            assertEquals(0.0, r.warmUpWait(), "a small search does not wait");
            assertEquals(3, r.hits().getFirst()[0].row(), "the row itself first (its copies tie with it)");
            assertEquals(0.0, r.hits().getFirst()[0].score(), 1e-12);
        }
    }

    @Test
    void tiesGoToTheLowerGlobalRow() throws Exception {
        float[] m = writeCorpus(dir.resolve("c"));
        double[][] rows = rows(m, D);
        try (Corpus c = Corpus.open(List.of(dir.resolve("c")), null, null)) {
            QueryEngine.Result r = new QueryEngine(new VectorTileKernel(), 2, 8)
                    .search(c, 0, new double[][]{rows[3]}, null, Metric.COSINE, 3, ProgressListener.NONE, null);
            long[] got = Arrays.stream(r.hits().getFirst()).mapToLong(QueryEngine.Hit::row).toArray();
            assertArrayEquals(new long[]{3, 50, 90}, got);
            assertEquals(1.0, r.hits().getFirst()[0].score(), 1e-12);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Metric.class, mode = EnumSource.Mode.EXCLUDE, names = "CORRELATION")
    void threeDimensionalFloat16BatchesAtAPosition(Metric metric) throws Exception {
        int t = 4;
        int[] sizes = {23, 31};
        Path where = dir.resolve("h");
        java.nio.file.Files.createDirectories(where);
        List<float[]> parts = new ArrayList<>();
        for (int b = 0; b < sizes.length; b++) {
            float[] v = BatchFiles.roundToHalf(Synthetic.gaussian(sizes[b] * t, D, 100 + b));
            parts.add(v);
            BatchFiles.npy(where, "b" + b + ".npy", DType.F16, v, sizes[b], t, D);
        }
        for (Integer pos : new Integer[]{0, 2, -1, -4}) {
            int p = pos < 0 ? t + pos : pos;
            List<double[]> at = new ArrayList<>();
            for (int b = 0; b < sizes.length; b++) {
                for (int r = 0; r < sizes[b]; r++) {
                    double[] x = new double[D];
                    for (int i = 0; i < D; i++) {
                        x[i] = parts.get(b)[(r * t + p) * D + i];
                    }
                    at.add(x);
                }
            }
            double[][] rows = at.toArray(new double[0][]);
            double[][] queries = {rows[30], rows(Synthetic.gaussian(1, D, 9), D)[0]};
            try (Corpus c = Corpus.open(List.of(where), null, null)) {
                assertEquals(p, c.position(pos));
                QueryEngine.Result r = new QueryEngine(new VectorTileKernel(), 2, 5)
                        .search(c, c.position(pos), queries, null, metric, 6, ProgressListener.NONE, null);
                for (int q = 0; q < queries.length; q++) {
                    assertSameHits(brute(rows, queries[q], metric, 6), r.hits().get(q), metric + " position " + pos + " query " + q);
                }
            }
        }
    }

    @Test
    void reportsProgressOverEveryRowAndEachBatch() throws Exception {
        writeCorpus(dir.resolve("c"));
        AtomicLong advanced = new AtomicLong();
        AtomicLong total = new AtomicLong();
        List<String> log = new ArrayList<>();
        ProgressListener p = new ProgressListener() {
            public void begin(String task, long t) {
                total.set(t);
            }

            public void advance(long done) {
                advanced.addAndGet(done);
            }

            public void end() {
            }
        };
        try (Corpus c = Corpus.open(List.of(dir.resolve("c")), null, null)) {
            new QueryEngine(new ScalarTileKernel(), 2, 16).search(c, 0, new double[][]{new double[D]}, null, Metric.DOT, 2, p, log::add);
        }
        assertEquals(98, total.get());
        assertEquals(98, advanced.get());
        assertEquals(3, log.size());
        assertEquals(true, log.get(1).startsWith("batch 2/3 part_10.npy: 1 rows"), log.get(1));
    }
}
