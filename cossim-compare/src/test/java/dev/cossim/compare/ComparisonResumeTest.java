package dev.cossim.compare;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Selection;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.testing.Synthetic;
import dev.cossim.vocab.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpointed comparison stopped in its first top-k pass, resumed on another thread count and stopped again in its
 * second, then resumed to the end, gives the summary (but its time) and rows.tsv of an uninterrupted checkpointed run
 * byte for byte; its kNN overlaps equal a plain run's; a checkpoint of another request or other rows is refused.
 */
class ComparisonResumeTest {
    static final int N = 2600, DA = 16, DB = 12;
    static final long PAIRS = (long) N * (N - 1) / 2;

    @TempDir
    Path tmp;

    /** A: Gaussian rows with exact ties; B: a noisy projection of A to fewer dimensions, with ties of its own. */
    static EmbeddingModel[] models(float shift) {
        float[] a = Synthetic.gaussian(N, DA, 3);
        Synthetic.duplicate(a, DA, 10, 11, 1f);
        Synthetic.duplicate(a, DA, 10, 2000, 2f);
        float[] noise = Synthetic.gaussian(N, DB, 4);
        float[] b = new float[N * DB];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < DB; j++) {
                b[i * DB + j] = a[i * DA + j] + a[i * DA + j + 4] * 0.5f + 0.3f * noise[i * DB + j] + shift;
            }
        }
        Synthetic.duplicate(b, DB, 500, 501, 1f);
        return new EmbeddingModel[]{ComparisonTest.model(a, N, DA, Vocabulary.none()), ComparisonTest.model(b, N, DB, Vocabulary.none())};
    }

    static Comparison request(EmbeddingModel[] m, int threads) {
        return Comparison.of(m[0], m[1]).k(3, 8).samplePairs(2000, 5).center(true).threads(threads).kernel(new VectorTileKernel());
    }

    /** Stops the comparison (as a kill would) once more than {@code after} pairs and rows are done. */
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

    /** summary.json without its time, then rows.tsv, as the CLI writes them. */
    List<String> files(ComparisonResult r) throws Exception {
        var s = ComparisonReport.summary(r);
        assertTrue(s.has("seconds"));
        s.remove("seconds");
        Path rows = Files.createTempFile(tmp, "rows", ".tsv");
        ComparisonReport.writeRows(r, rows);
        return List.of(s.toPrettyString(), Files.readString(rows));
    }

    @Test
    void aStoppedComparisonResumedWritesTheSameFiles() throws Exception {
        EmbeddingModel[] m = models(0);
        ComparisonResult whole = request(m, 2).checkpoint(tmp.resolve("whole"), 60).run();
        List<String> expected = files(whole);

        // Stopped in A's top-k pass (40% of its pairs), resumed on 1 thread and stopped in B's (at half), then resumed
        // on 2 threads, the whole run's: the d x d products are summed over one row range per thread, so their last
        // digits follow the thread count.
        Path dir = tmp.resolve("stopped");
        assertThrows(IllegalStateException.class, () -> request(m, 2).checkpoint(dir, 1e-9).progress(stopAfter(PAIRS * 2 / 5)).run());
        assertTrue(Files.exists(dir.resolve("a").resolve(Analysis.CHECKPOINT_FILE)));
        assertTrue(!Files.exists(dir.resolve("b")), "B's pass had not begun");
        List<String> log = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> request(m, 1).checkpoint(dir, 1e-9).resume(true).log(log::add)
                .progress(stopAfter(PAIRS * 3 / 2)).run());
        assertTrue(log.stream().anyMatch(l -> l.contains("work units done")), String.join("\n", log));
        assertTrue(Files.exists(dir.resolve("b").resolve(Analysis.CHECKPOINT_FILE)));
        ComparisonResult resumed = request(m, 2).checkpoint(dir, 1e-9).resume(true).run();
        assertEquals(expected, files(resumed));
        // Once both passes are done, resuming runs neither again.
        List<String> again = new ArrayList<>();
        assertEquals(expected, files(request(m, 2).checkpoint(dir, 60).resume(true).log(again::add).run()));
        assertEquals(2, again.stream().filter(l -> l.matches("resuming from .*: (\\d+) of \\1 work units done")).count(), String.join("\n", again));

        // On another thread count, what comes from the top-k passes is the same to the last bit.
        ComparisonResult three = request(m, 3).checkpoint(dir, 60).resume(true).run();
        for (int i = 0; i < whole.overlaps().size(); i++) {
            assertArrayEquals(whole.overlaps().get(i).perRow(), three.overlaps().get(i).perRow());
        }
        assertEquals(whole.isotropyA().meanCosine(), three.isotropyA().meanCosine());
        assertEquals(whole.isotropyB().meanCosine(), three.isotropyB().meanCosine());

        // A plain run finds the same neighbours: the same overlaps, row by row.
        ComparisonResult plain = request(m, 2).run();
        for (int i = 0; i < whole.overlaps().size(); i++) {
            assertArrayEquals(whole.overlaps().get(i).perRow(), plain.overlaps().get(i).perRow());
            assertArrayEquals(whole.overlaps().get(i).histogram(), plain.overlaps().get(i).histogram());
        }
        assertEquals(whole.isotropyA().meanCosine(), plain.isotropyA().meanCosine(), 1e-12);
    }

    @Test
    void aCheckpointOfAnotherRequestOrOtherRowsIsRefused() {
        EmbeddingModel[] m = models(0);
        Path dir = tmp.resolve("ck");
        request(m, 2).checkpoint(dir, 60).run();

        CossimException again = assertThrows(CossimException.class, () -> request(m, 2).checkpoint(dir, 60).run());
        assertTrue(again.getMessage().startsWith(dir.toString()) && again.getMessage().contains("holds a checkpoint already"), again.getMessage());

        CossimException k = assertThrows(CossimException.class, () -> request(m, 2).k(3, 9).checkpoint(dir, 60).resume(true).run());
        assertTrue(k.getMessage().contains("another request") && k.getMessage().contains("top-k 9"), k.getMessage());
        assertTrue(k.getMessage().startsWith(dir.resolve("a").resolve(Analysis.CHECKPOINT_FILE).toString()), k.getMessage());

        CossimException rows = assertThrows(CossimException.class, () -> request(m, 2).rows(Selection.parse("rows=0-2499", "rows"))
                .checkpoint(dir, 60).resume(true).run());
        assertTrue(rows.getMessage().contains("other rows"), rows.getMessage());
        assertEquals(1, rows.getMessage().lines().count());

        // B changed, A did not: A's finished pass is taken, B's checkpoint refused.
        EmbeddingModel[] otherB = {m[0], models(0.01f)[1]};
        CossimException b = assertThrows(CossimException.class, () -> request(otherB, 2).checkpoint(dir, 60).resume(true).run());
        assertTrue(b.getMessage().startsWith(dir.resolve("b").resolve(Analysis.CHECKPOINT_FILE).toString()) && b.getMessage().contains("other rows"),
                b.getMessage());

        ParameterException every = assertThrows(ParameterException.class, () -> request(m, 2).checkpoint(tmp.resolve("z"), 0).run());
        assertEquals("checkpoint interval", every.parameter());
        ParameterException resume = assertThrows(ParameterException.class, () -> request(m, 2).resume(true).run());
        assertEquals("resume", resume.parameter());
    }

    @Test
    void anAnalysisCheckpointIsNotAComparisons() throws Exception {
        EmbeddingModel[] m = models(0);
        Path dir = tmp.resolve("ap");
        Analysis.of(m[0]).histogram(10).topK(2).kernel(new VectorTileKernel()).rows(Selection.parse("rows=0-99", "rows")).checkpoint(dir, 60).run();
        CossimException e = assertThrows(CossimException.class, () -> request(m, 2).checkpoint(dir, 60).resume(true).run());
        assertTrue(e.getMessage().contains("checkpoint of an analysis"), e.getMessage());
        assertEquals(List.of(Analysis.CHECKPOINT_FILE), Arrays.stream(dir.toFile().list()).toList(), "nothing was written beside it");
    }
}
