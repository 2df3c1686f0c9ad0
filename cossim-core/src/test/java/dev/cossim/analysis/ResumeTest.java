package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Selection;
import dev.cossim.query.Corpus;
import dev.cossim.query.QueryEngine;
import dev.cossim.query.SearchUnits;
import dev.cossim.results.Group;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Pair;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpointed runs: a run stopped part-way and resumed (once or several times, on other thread counts) gives every
 * result of an uninterrupted run to the last bit; the histogram, top-k, top pairs and groups also equal a plain run's;
 * a checkpoint of another request or other rows is refused in one line. The same for corpus searches ({@link Search}):
 * hits, ties and skipped rows of a stopped and resumed search equal an uninterrupted one's, checkpointed or not.
 */
class ResumeTest {
    static final int N = 301, D = 23;

    @TempDir
    Path tmp;

    static float[] matrix() {
        float[] m = Synthetic.gaussian(N, D, 5);
        Synthetic.duplicate(m, D, 4, 90, 2f);
        Synthetic.duplicate(m, D, 4, 200, 1f);  // exact ties of similarity 1 for the top lists and groups
        return m;
    }

    static Analysis request(float[] m, int threads) {
        return Analysis.of(m, N, D).metric(Metric.COSINE).kernel(new VectorTileKernel()).threads(threads).block(16)
                .histogram(300).topK(4).topPairs(9, false).nearDuplicates(0.5, 1_000_000).rowStatistics(0.4);
    }

    /** Stops the run (as a kill would) once more than {@code after} pairs are done. */
    static ProgressListener stopAfter(long after) {
        AtomicLong done = new AtomicLong();
        return new ProgressListener() {
            public void begin(String task, long total) {
            }

            public void advance(long n) {
                if (done.addAndGet(n) > after) {
                    throw new IllegalStateException("stopped");
                }
            }

            public void end() {
            }
        };
    }

    /** Every result of the run as text, doubles by their bits. */
    static List<String> everything(AnalysisResult r) {
        List<String> out = new ArrayList<>();
        out.add("count " + r.statistics().count() + " mean " + Double.doubleToLongBits(r.statistics().mean())
                + " std " + Double.doubleToLongBits(r.statistics().std()) + " min " + r.statistics().min() + " max " + r.statistics().max());
        out.add("hist " + java.util.Arrays.toString(r.histogram().counts()));
        for (int row = 0; row < r.topK().rows(); row++) {
            Neighbors nb = r.topK().neighbors(row);
            out.add("nb " + nb.id() + " " + java.util.Arrays.toString(nb.ids()) + " " + java.util.Arrays.toString(nb.similarities()));
        }
        for (Pair p : r.topPairs()) {
            out.add("top " + p);
        }
        out.add("near " + r.nearDuplicates().count());
        for (Group g : r.nearDuplicates().groups()) {
            out.add("group " + java.util.Arrays.toString(g.ids()) + " " + g.pairs() + " " + g.minValue() + " " + g.maxValue());
        }
        RowStatistics rs = r.rowStatistics();
        for (int i = 0; i < rs.ids().length; i++) {
            out.add("row " + rs.ids()[i] + " " + Double.doubleToLongBits(rs.meanSimilarity()[i]) + " " + rs.hubness()[i]);
        }
        return out;
    }

    @Test
    void aStoppedRunResumedEqualsAnUninterruptedOneBitForBit() throws Exception {
        float[] m = matrix();
        AnalysisResult whole = request(m, 2).checkpoint(tmp.resolve("whole"), 60).run();
        List<String> expected = everything(whole);
        long pairs = (long) N * (N - 1) / 2;

        // Stopped three times (after 40%, 60% and 80% of the pairs), saving after every unit; resumed on 1, 3, 2 threads.
        Path dir = tmp.resolve("stopped");
        assertThrows(IllegalStateException.class, () -> request(m, 2).checkpoint(dir, 1e-9).progress(stopAfter(pairs * 2 / 5)).run());
        assertTrue(Files.exists(dir.resolve(CheckpointFile.FILE)), "a checkpoint was saved before the stop");
        List<String> log = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> request(m, 1).checkpoint(dir, 1e-9).resume(true).log(log::add)
                .progress(stopAfter(pairs * 3 / 5)).run());
        assertTrue(log.stream().anyMatch(l -> l.contains("work units done")), String.join("\n", log));
        assertThrows(IllegalStateException.class, () -> request(m, 3).checkpoint(dir, 1e-9).resume(true)
                .progress(stopAfter(pairs * 4 / 5)).run());
        AnalysisResult resumed = request(m, 2).checkpoint(dir, 1e-9).resume(true).run();
        assertEquals(expected, everything(resumed));

        // A finished checkpoint resumes at once to the same result.
        assertEquals(expected, everything(request(m, 2).checkpoint(dir, 60).resume(true).run()));

        // The same request on other thread counts, checkpointed, gives the same bits too.
        assertEquals(expected, everything(request(m, 1).checkpoint(tmp.resolve("one"), 60).run()));

        // A plain run agrees on every count and list; its statistics' sums may differ in the last digits only.
        AnalysisResult plain = request(m, 2).run();
        List<String> p = everything(plain);
        List<String> e = expected;
        assertEquals(e.subList(1, e.size()).stream().filter(s -> !s.startsWith("row ")).toList(),
                p.subList(1, p.size()).stream().filter(s -> !s.startsWith("row ")).toList());
        assertEquals(whole.statistics().mean(), plain.statistics().mean(), 1e-12);
        assertEquals(whole.statistics().std(), plain.statistics().std(), 1e-12);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(CheckpointFile.FILE)), left.toList(), "only the checkpoint is left in its directory");
        }
    }

    @Test
    void aRectangularRunResumesToTheSameBits() {
        float[] m = matrix();
        Selection a = Selection.parse("rows=0-99", "rows"), b = Selection.parse("rows=100-300", "against");
        AnalysisResult whole = request(m, 2).rows(a).against(b).checkpoint(tmp.resolve("whole"), 60).run();
        Path dir = tmp.resolve("stopped");
        assertThrows(IllegalStateException.class, () -> request(m, 2).rows(a).against(b).checkpoint(dir, 1e-9)
                .progress(stopAfter(100L * 201 / 3)).run());
        AnalysisResult resumed = request(m, 3).rows(a).against(b).checkpoint(dir, 1e-9).resume(true).run();
        assertEquals(everything(whole), everything(resumed));
    }

    @Test
    void aCheckpointOfAnotherRequestOrOtherRowsIsRefused() {
        float[] m = matrix();
        Path dir = tmp.resolve("ck");
        request(m, 2).checkpoint(dir, 60).run();

        CossimException again = assertThrows(CossimException.class, () -> request(m, 2).checkpoint(dir, 60).run());
        assertTrue(again.getMessage().contains("holds a checkpoint already"), again.getMessage());

        CossimException options = assertThrows(CossimException.class, () -> request(m, 2).histogram(301).checkpoint(dir, 60).resume(true).run());
        assertTrue(options.getMessage().contains("another request") && options.getMessage().contains("301 bins"), options.getMessage());

        float[] changed = m.clone();
        changed[5 * D + 3] += 0.25f;
        CossimException rows = assertThrows(CossimException.class, () -> request(changed, 2).checkpoint(dir, 60).resume(true).run());
        assertTrue(rows.getMessage().contains("other rows"), rows.getMessage());
        assertEquals(1, rows.getMessage().lines().count());

        ParameterException heat = assertThrows(ParameterException.class, () -> request(m, 2).heatmap(8).checkpoint(tmp.resolve("h"), 60).run());
        assertEquals("checkpoint", heat.parameter());
        assertThrows(ParameterException.class, () -> request(m, 2).checkpoint(tmp.resolve("z"), 0).run());
        assertThrows(ParameterException.class, () -> request(m, 2).resume(true).run());
    }

    @Test
    void aDamagedCheckpointIsRefusedInOneLine() throws Exception {
        float[] m = matrix();
        Path dir = tmp.resolve("ck");
        request(m, 2).checkpoint(dir, 60).run();
        Path f = dir.resolve(CheckpointFile.FILE);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        CossimException cut = assertThrows(CossimException.class, () -> request(m, 2).checkpoint(dir, 60).resume(true).run());
        assertTrue(cut.getMessage().contains(f.toString()) && cut.getMessage().lines().count() == 1, cut.getMessage());
        Files.writeString(f, "not a checkpoint at all");
        CossimException other = assertThrows(CossimException.class, () -> request(m, 2).checkpoint(dir, 60).resume(true).run());
        assertTrue(other.getMessage().contains("not a cossim checkpoint"), other.getMessage());
    }

    // ---- corpus searches ----

    static final int QD = 19;
    static final int[] BATCH_ROWS = {700, 3, 1301};

    /**
     * Three .npy batches (700, 3 and 1301 rows), with rows repeated within and across batches (exact ties), a zero row
     * and a NaN row; returns the corpus's rows.
     */
    static float[] writeBatches(Path dir) throws Exception {
        Files.createDirectories(dir);
        int n = java.util.Arrays.stream(BATCH_ROWS).sum();
        float[] m = Synthetic.gaussian(n, QD, 21);
        Synthetic.duplicate(m, QD, 5, 702, 1f);    // across batches: a tie with row 5
        Synthetic.duplicate(m, QD, 5, 1500, 3f);
        Synthetic.duplicate(m, QD, 40, 41, 1f);    // within a batch
        Synthetic.zeroRow(m, QD, 900);
        m[1200 * QD + 2] = Float.NaN;
        int first = 0;
        for (int b = 0; b < BATCH_ROWS.length; b++) {
            float[] part = java.util.Arrays.copyOfRange(m, first * QD, (first + BATCH_ROWS[b]) * QD);
            TestFiles.npy(dir.resolve("batch_" + b + ".npy"), 1,
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (" + BATCH_ROWS[b] + ", " + QD + "), }", TestFiles.f32(part));
            first += BATCH_ROWS[b];
        }
        return m;
    }

    static double[][] queries(float[] m) {
        double[][] q = new double[4][QD];
        float[] g = Synthetic.gaussian(2, QD, 77);
        for (int i = 0; i < QD; i++) {
            q[0][i] = m[5 * QD + i];       // ties across batches at the top
            q[1][i] = m[40 * QD + i];      // ties within a batch
            q[2][i] = g[i];
            q[3][i] = g[QD + i] - 0.5;
        }
        return q;
    }

    static Search search(int threads) {
        return Search.of(Metric.COSINE, 7).kernel(new VectorTileKernel()).threads(threads).block(8).warmUp(false);
    }

    /** Every hit (row and the score's bits) and the skipped rows. */
    static List<String> hits(QueryEngine.Result r) {
        List<String> out = new ArrayList<>();
        out.add("scanned " + r.scanned() + " zero " + r.zeroRows() + " non-finite " + r.nonFiniteRows());
        for (QueryEngine.Hit[] h : r.hits()) {
            StringBuilder b = new StringBuilder();
            for (QueryEngine.Hit x : h) {
                b.append(x.row()).append(':').append(Double.doubleToLongBits(x.score())).append(' ');
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void aStoppedSearchResumedEqualsAnUninterruptedOne() throws Exception {
        Path batches = tmp.resolve("batches");
        float[] m = writeBatches(batches);
        double[][] q = queries(m);
        long rows = m.length / QD;
        try (Corpus c = Corpus.open(List.of(batches), null, null)) {
            QueryEngine.Result plain = search(2).run(c, 0, q, null);
            List<String> expected = hits(plain);
            assertEquals("scanned " + rows + " zero 1 non-finite 1", expected.getFirst());
            assertEquals(5, plain.hits().getFirst()[0].row(), "the query's own row first, its copies (ties) after");
            assertEquals(702, plain.hits().getFirst()[1].row());
            assertEquals(1500, plain.hits().getFirst()[2].row());

            // Checkpointed and uninterrupted: the same hits as the plain search.
            assertEquals(expected, hits(search(2).checkpoint(tmp.resolve("whole"), 60).run(c, 0, q, null)));

            // Stopped after 30% and 70% of the rows, saving after every unit; resumed on 1, then 3 threads.
            Path dir = tmp.resolve("stopped");
            assertThrows(IllegalStateException.class, () -> search(2).checkpoint(dir, 1e-9).progress(stopAfter(rows * 3 / 10)).run(c, 0, q, null));
            assertTrue(Files.exists(dir.resolve(Analysis.CHECKPOINT_FILE)), "a checkpoint was saved before the stop");
            List<String> log = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> search(1).checkpoint(dir, 1e-9).resume(true).log(log::add)
                    .progress(stopAfter(rows * 7 / 10)).run(c, 0, q, null));
            assertTrue(log.stream().anyMatch(l -> l.contains("work units done")), String.join("\n", log));
            List<String> batchLines = new ArrayList<>();
            QueryEngine.Result resumed = search(3).checkpoint(dir, 1e-9).resume(true).batchLog(batchLines::add).run(c, 0, q, null);
            assertEquals(expected, hits(resumed));
            assertEquals(BATCH_ROWS.length, batchLines.size(), "one line per batch: " + batchLines);
            // A finished checkpoint resumes at once to the same hits.
            assertEquals(expected, hits(search(2).checkpoint(dir, 60).resume(true).run(c, 0, q, null)));
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(dir.resolve(Analysis.CHECKPOINT_FILE)), left.toList(), "only the checkpoint is left in its directory");
            }
        }
    }

    @Test
    void theUnitsOfASearchAreRunsOfWholeBlocksWithinEachBatch() throws Exception {
        Path batches = tmp.resolve("batches");
        writeBatches(batches);
        try (Corpus c = Corpus.open(List.of(batches), null, null)) {
            // 88 + 1 + 163 blocks of 8 rows: one unit per block (and per batch without a checkpoint)
            assertEquals(88 + 1 + 163, SearchUnits.count(c, 8, true));
            assertEquals(3, SearchUnits.count(c, 8, false));
            // 350 + 2 + 651 blocks of 2 rows: runs of 4 blocks (1003 / 256, rounded up), cut again at each batch's end
            assertEquals(88 + 1 + 163, SearchUnits.count(c, 2, true));
        }
    }

    @Test
    void aSearchCheckpointOfAnotherSearchOrOtherInputsIsRefused() throws Exception {
        Path batches = tmp.resolve("batches");
        float[] m = writeBatches(batches);
        double[][] q = queries(m);
        Path dir = tmp.resolve("ck");
        try (Corpus c = Corpus.open(List.of(batches), null, null)) {
            search(2).checkpoint(dir, 60).run(c, 0, q, null);
            assertEquals(hits(search(2).run(c, 0, q, null)), hits(search(2).checkpoint(dir, 60).resume(true).run(c, 0, q, null)));

            CossimException again = assertThrows(CossimException.class, () -> search(2).checkpoint(dir, 60).start());
            assertTrue(again.getMessage().contains("holds a checkpoint already"), again.getMessage());

            CossimException k = assertThrows(CossimException.class, () -> Search.of(Metric.COSINE, 8).kernel(new VectorTileKernel())
                    .block(8).warmUp(false).checkpoint(dir, 60).resume(true).run(c, 0, q, null));
            assertTrue(k.getMessage().contains("another request") && k.getMessage().contains("top-k 8"), k.getMessage());
            CossimException metric = assertThrows(CossimException.class, () -> Search.of(Metric.DOT, 7).kernel(new VectorTileKernel())
                    .block(8).warmUp(false).checkpoint(dir, 60).resume(true).run(c, 0, q, null));
            assertTrue(metric.getMessage().contains("metric dot"), metric.getMessage());
            CossimException block = assertThrows(CossimException.class, () -> search(2).block(16).checkpoint(dir, 60).resume(true).run(c, 0, q, null));
            assertTrue(block.getMessage().contains("block 16"), block.getMessage());

            double[][] other = q.clone();
            other[2] = q[3];
            CossimException queries = assertThrows(CossimException.class, () -> search(2).checkpoint(dir, 60).resume(true).run(c, 0, other, null));
            assertTrue(queries.getMessage().contains("other inputs"), queries.getMessage());
            assertEquals(1, queries.getMessage().lines().count());
        }
        // A batch file written again (same size, another time of last change) is other input too.
        Path b1 = batches.resolve("batch_1.npy");
        Files.setLastModifiedTime(b1, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(b1).toMillis() - 60_000));
        try (Corpus c = Corpus.open(List.of(batches), null, null)) {
            CossimException changed = assertThrows(CossimException.class, () -> search(2).checkpoint(dir, 60).resume(true).run(c, 0, q, null));
            assertTrue(changed.getMessage().startsWith(dir.resolve(Analysis.CHECKPOINT_FILE).toString()) && changed.getMessage().contains("batch files"),
                    changed.getMessage());
        }
        assertThrows(ParameterException.class, () -> search(2).checkpoint(tmp.resolve("z"), 0).start());
        ParameterException noDir = assertThrows(ParameterException.class, () -> search(2).resume(true).start());
        assertEquals("resume", noDir.parameter());
        Files.writeString(tmp.resolve("file"), "x");
        CossimException notDir = assertThrows(CossimException.class, () -> search(2).checkpoint(tmp.resolve("file"), 60).start());
        assertTrue(notDir.getMessage().contains("not a directory"), notDir.getMessage());
    }
}
