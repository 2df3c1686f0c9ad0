package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Selection;
import dev.cossim.results.Group;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Pair;
import dev.cossim.testing.Synthetic;
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
 * a checkpoint of another request or other rows is refused in one line.
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
}
