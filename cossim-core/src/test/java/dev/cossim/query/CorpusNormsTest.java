package dev.cossim.query;

import dev.cossim.analysis.ProgressListener;
import dev.cossim.source.DType;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cossim.CossimException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CorpusNormsTest {
    @TempDir
    Path dir;

    @Test
    void handComputedNorms() {
        // rows (3,4) and (0,5): norms 5 and 5; (6,8): 10; zero row; NaN row
        BatchFiles.npy(dir, "a.npy", DType.F32, new float[]{3, 4, 0, 5}, 2, 2);
        BatchFiles.npy(dir, "b.npy", DType.F32, new float[]{6, 8, 0, 0, Float.NaN, 1}, 3, 2);
        try (Corpus c = Corpus.open(List.of(dir), null, null)) {
            List<CorpusNorms.Entry> es = CorpusNorms.compute(c, new int[]{0}, null, 2, 1, ProgressListener.NONE);
            assertEquals(3, es.size());
            NormSummary a = es.get(0).summary();
            assertEquals(5, a.mean(), 1e-12);
            assertEquals(0, a.std(), 1e-12);
            NormSummary b = es.get(1).summary();
            assertEquals(2, b.count());
            assertEquals(1, b.zero());
            assertEquals(1, b.nonFinite());
            assertEquals(5, b.mean(), 1e-12);
            assertEquals(Math.sqrt(50), b.std(), 1e-12);
            NormSummary all = es.get(2).summary();
            assertEquals(-1, es.get(2).batch());
            // norms 5, 5, 10, 0: mean 5, sample variance (0 + 0 + 25 + 25) / 3
            assertEquals(4, all.count());
            assertEquals(5, all.mean(), 1e-12);
            assertEquals(Math.sqrt(50.0 / 3), all.std(), 1e-12);
            assertEquals(0, all.min());
            assertEquals(10, all.max());
        }
    }

    @Test
    void perPositionOfThreeDimensionalBatchesMatchesDirectComputation() {
        int n = 37, t = 3, d = 11;
        float[] v = Synthetic.gaussian(n * t, d, 4);
        BatchFiles.npy(dir, "x.npy", DType.F32, v, n, t, d);
        try (Corpus c = Corpus.open(List.of(dir), null, null)) {
            List<CorpusNorms.Entry> es = CorpusNorms.compute(c, new int[]{0, 1, 2}, null, 2, 4, ProgressListener.NONE);
            for (int p = 0; p < t; p++) {
                double[] norms = new double[n];
                double mean = 0;
                for (int r = 0; r < n; r++) {
                    double ss = 0;
                    for (int i = 0; i < d; i++) {
                        double x = v[(r * t + p) * d + i];
                        ss += x * x;
                    }
                    norms[r] = Math.sqrt(ss);
                    mean += norms[r] / n;
                }
                double var = 0;
                for (double x : norms) {
                    var += (x - mean) * (x - mean) / (n - 1);
                }
                NormSummary s = es.get(p).summary();
                assertEquals(p, es.get(p).position());
                assertEquals(mean, s.mean(), 1e-9);
                assertEquals(Math.sqrt(var), s.std(), 1e-9);
            }
        }
    }

    /**
     * Padding slots left out: two batches of texts with 1 to 7 tokens in 5 slots (longer texts fill every slot), the
     * padding slots holding zero vectors as embed writes them, against a brute force over the real slots only.
     */
    @Test
    void paddingSlotsAreLeftOutAgainstABruteForce() throws Exception {
        int t = 5, d = 6;
        int[][] counts = {{1, 3, 5, 7, 2, 4}, {5, 1, 6}};
        for (boolean alignEnd : new boolean[]{true, false}) {
            Path sub = Files.createDirectories(dir.resolve(alignEnd ? "end" : "start"));
            float[][] data = new float[counts.length][];
            for (int b = 0; b < counts.length; b++) {
                int n = counts[b].length;
                data[b] = Synthetic.gaussian(n * t, d, 10 + b);
                for (int r = 0; r < n; r++) {
                    for (int p = 0; p < t; p++) {
                        boolean real = alignEnd ? p >= t - Math.min(counts[b][r], t) : p < Math.min(counts[b][r], t);
                        if (!real) {
                            java.util.Arrays.fill(data[b], (r * t + p) * d, (r * t + p + 1) * d, 0f);
                        }
                    }
                }
                BatchFiles.npy(sub, "batch_" + b + ".npy", DType.F32, data[b], n, t, d);
                Files.write(sub.resolve("batch_" + b + ".tokens"), java.util.Arrays.stream(counts[b]).mapToObj(Integer::toString).toList());
            }
            try (Corpus c = Corpus.open(List.of(sub), null, null)) {
                TokenCounts tokens = TokenCounts.beside(c, alignEnd);
                List<CorpusNorms.Entry> es = CorpusNorms.compute(c, new int[]{0, 1, 2, 3, 4}, tokens, 2, 2, ProgressListener.NONE);
                List<CorpusNorms.Entry> plain = CorpusNorms.compute(c, new int[]{0, 1, 2, 3, 4}, null, 2, 2, ProgressListener.NONE);
                for (int q = 0; q < t; q++) {
                    int p = q;
                    List<Double> norms = new java.util.ArrayList<>();
                    long padding = 0;
                    for (int b = 0; b < counts.length; b++) {
                        for (int r = 0; r < counts[b].length; r++) {
                            boolean real = alignEnd ? p >= t - Math.min(counts[b][r], t) : p < Math.min(counts[b][r], t);
                            if (!real) {
                                padding++;
                                continue;
                            }
                            double ss = 0;
                            for (int i = 0; i < d; i++) {
                                double x = data[b][(r * t + p) * d + i];
                                ss += x * x;
                            }
                            norms.add(Math.sqrt(ss));
                        }
                    }
                    double mean = norms.stream().mapToDouble(x -> x).sum() / norms.size();
                    double var = norms.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (norms.size() - 1);
                    CorpusNorms.Entry all = es.stream().filter(e -> e.batch() == -1 && e.position() == p).findFirst().orElseThrow();
                    String at = (alignEnd ? "end" : "start") + " position " + p;
                    assertEquals(norms.size(), all.summary().count(), at);
                    assertEquals(padding, all.padding(), at);
                    assertEquals(0, all.summary().zero(), at);
                    assertEquals(mean, all.summary().mean(), 1e-9, at);
                    assertEquals(Math.sqrt(var), all.summary().std(), 1e-9, at);
                    // Without the counts, padding is measured as zero vectors.
                    CorpusNorms.Entry unmasked = plain.stream().filter(e -> e.batch() == -1 && e.position() == p).findFirst().orElseThrow();
                    assertEquals(9, unmasked.summary().count(), at);
                    assertEquals(padding, unmasked.summary().zero(), at);
                }
            }
        }
    }

    @Test
    void badTokenCountFilesAreOneLineErrorsNamingTheFile() throws Exception {
        BatchFiles.npy(dir, "batch_0.npy", DType.F32, new float[2 * 3 * 2], 2, 3, 2);
        BatchFiles.npy(dir, "batch_1.npy", DType.F32, new float[2 * 3 * 2], 2, 3, 2);
        Path t0 = dir.resolve("batch_0.tokens");
        try (Corpus c = Corpus.open(List.of(dir), null, null)) {
            assertNull(TokenCounts.beside(c, true));
            Files.writeString(t0, "3\n2\n");
            assertEquals(dir.resolve("batch_1.tokens") + ": missing, while other batches of the corpus have their token counts",
                    assertThrows(CossimException.class, () -> TokenCounts.beside(c, true)).getMessage());
            Files.writeString(dir.resolve("batch_1.tokens"), "3\n");
            assertEquals(dir.resolve("batch_1.tokens") + ": 1 token counts for the 2 rows of its batch",
                    assertThrows(CossimException.class, () -> TokenCounts.beside(c, true)).getMessage());
            Files.writeString(dir.resolve("batch_1.tokens"), "3\n2\n1\n");
            assertEquals(dir.resolve("batch_1.tokens") + ": more than the 2 lines of its batch's rows",
                    assertThrows(CossimException.class, () -> TokenCounts.beside(c, true)).getMessage());
            Files.writeString(dir.resolve("batch_1.tokens"), "3\n-2\n");
            assertEquals(dir.resolve("batch_1.tokens") + ": line 2: '-2' is not a token count",
                    assertThrows(CossimException.class, () -> TokenCounts.beside(c, true)).getMessage());
            Files.writeString(dir.resolve("batch_1.tokens"), "3\nfour\n");
            assertEquals(dir.resolve("batch_1.tokens") + ": line 2: 'four' is not a token count",
                    assertThrows(CossimException.class, () -> TokenCounts.beside(c, true)).getMessage());
        }
    }
}
