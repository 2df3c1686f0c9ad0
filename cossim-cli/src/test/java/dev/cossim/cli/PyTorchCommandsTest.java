package dev.cossim.cli;

import dev.cossim.query.NpyWriter;
import dev.cossim.source.DType;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TorchFiles;
import dev.cossim.testing.TorchFiles.Pickle;
import dev.cossim.testing.TsvReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** torch.save files (written byte by byte) through the CLI: a corpus of [B, T, D] batches, info, and bad input. */
class PyTorchCommandsTest {
    @TempDir
    Path dir;

    /** A bare [b, t, d] float32 tensor viewed from {@code storage} with the given offset and strides. */
    static void pt(Path file, float[] storage, long offset, long[] shape, long[] stride) {
        byte[] pkl = new Pickle().tensor("FloatStorage", "0", storage.length, offset, shape, stride).stop();
        TorchFiles.archive("archive", pkl, Map.of("0", TestFiles.f32(storage))).write(file);
    }

    /**
     * Three batches as the block-intermediates notebook saves them: a plain [40, 5, 12] tensor, one viewed at a storage
     * offset, and one that is a permuted view of a [T, B, D] storage (not contiguous: gathered). The query at
     * position -1 must rank every row as a double-precision brute force over the source values does.
     */
    @Test
    void queryAtTheLastPositionEqualsBruteForce() throws Exception {
        int t = 5, d = 12, k = 9;
        int[] sizes = {40, 30, 25};
        int n = Arrays.stream(sizes).sum();
        float[] v = Synthetic.gaussian(n * t, d, 11); // row r, position p at (r * t + p) * d
        Path c = dir.resolve("acts");
        Files.createDirectories(c);
        float[] b0 = Arrays.copyOfRange(v, 0, 40 * t * d);
        pt(c.resolve("batch_0.pt"), b0, 0, new long[]{40, t, d}, new long[]{t * d, d, 1});
        float[] b1 = new float[7 + 30 * t * d];
        System.arraycopy(v, 40 * t * d, b1, 7, 30 * t * d);
        pt(c.resolve("batch_1.pt"), b1, 7, new long[]{30, t, d}, new long[]{t * d, d, 1});
        float[] b2 = new float[25 * t * d]; // storage [t, 25, d]
        for (int r = 0; r < 25; r++) {
            for (int p = 0; p < t; p++) {
                System.arraycopy(v, ((70 + r) * t + p) * d, b2, (p * 25 + r) * d, d);
            }
        }
        pt(c.resolve("batch_2.pt"), b2, 0, new long[]{25, t, d}, new long[]{d, 25L * d, 1});
        StringBuilder labels = new StringBuilder();
        for (int r = 0; r < 30; r++) {
            labels.append("second ").append(r).append('\n');
        }
        Files.writeString(c.resolve("batch_1.txt"), labels);
        float[] q = Synthetic.gaussian(3, d, 5);
        Path qf = dir.resolve("q.npy");
        try (NpyWriter w = new NpyWriter(qf, DType.F32, 3, d)) {
            w.write(q, 0, q.length);
        }
        CliRun r = CliRun.of("query", c.toString(), "--queries", qf.toString(), "--position", "-1", "-k", "" + k,
                "--format", "tsv", "--block", "16", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("corpus: 3 batch file(s), 95 rows, F32 [rows, 5, 12]"), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1 + 3 * k, lines.size());
        for (int qi = 0; qi < 3; qi++) {
            double[] cos = new double[n];
            double qq = 0;
            for (int i = 0; i < d; i++) {
                qq += (double) q[qi * d + i] * q[qi * d + i];
            }
            for (int row = 0; row < n; row++) {
                double dot = 0, rr = 0;
                for (int i = 0; i < d; i++) {
                    double x = v[(row * t + t - 1) * d + i];
                    dot += q[qi * d + i] * x;
                    rr += x * x;
                }
                cos[row] = dot / Math.sqrt(qq * rr);
            }
            List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
            order.sort(Comparator.<Integer>comparingDouble(x -> -cos[x]).thenComparingInt(x -> x));
            for (int rank = 0; rank < k; rank++) {
                String[] f = TsvReader.fields(lines.get(1 + qi * k + rank));
                int row = order.get(rank);
                assertEquals(row, Integer.parseInt(f[2]), "query " + qi + " rank " + rank);
                int batch = row < 40 ? 0 : row < 70 ? 1 : 2;
                int inBatch = row - (batch == 0 ? 0 : batch == 1 ? 40 : 70);
                assertEquals("batch_" + batch + ".pt", f[3]);
                assertEquals(inBatch, Integer.parseInt(f[4]));
                assertEquals(cos[row], Double.parseDouble(f[5]), 1e-6);
                assertEquals(batch == 1 ? "second " + inBatch : "batch_" + batch + ".pt:" + inBatch, f[6]);
            }
        }
    }

    @Test
    void infoOnAStateDict() {
        float[] w = {3, 4, 0, 0, 1, 0};
        byte[] pkl = new Pickle().orderedDict().str("embeddings.word_embeddings.weight")
                .tensor("FloatStorage", "0", 6, 0, new long[]{3, 2}, new long[]{2, 1})
                .str("pooler.bias").tensor("FloatStorage", "1", 2, 0, new long[]{2}, new long[]{1}).setItems().stop();
        Path p = TorchFiles.archive("archive", pkl, Map.of("0", TestFiles.f32(w), "1", TestFiles.f32(1, 2)))
                .write(dir.resolve("model.pt"));
        CliRun r = CliRun.of("info", p.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tensors:      2\n  * embeddings.word_embeddings.weight F32 [3, 2]\n    pooler.bias F32 [2]\n"), r.out());
        // norms 5, 0 and 1 by hand: mean 2, sample std sqrt((9 + 4 + 1) / 2) = sqrt(7)
        assertTrue(r.out().contains("norms:        mean 2.000000  std 2.645751  min 0.000000 (id 1 \"#1\")  max 5.000000 (id 0 \"#0\")"), r.out());
        assertTrue(r.out().contains("zero rows:    1"), r.out());
    }

    @Test
    void badFilesExitTwoWithOneLine() {
        byte[] eval = new Pickle().global("os", "system").str("echo hi").op(0x85).op('R').stop();
        Path evil = TorchFiles.archive("archive", eval, Map.of()).write(dir.resolve("evil.pt"));
        byte[] ok = new Pickle().tensor("FloatStorage", "0", 4, 0, new long[]{2, 2}, new long[]{2, 1}).stop();
        byte[] whole = TorchFiles.archive("archive", ok, Map.of("0", TestFiles.f32(1, 2, 3, 4))).bytes();
        Path cut = TestFiles.write(dir.resolve("cut.pt"), Arrays.copyOf(whole, whole.length - 30));
        Path missing = TorchFiles.archive("archive", ok, Map.of()).write(dir.resolve("missing.pt"));
        for (Path p : List.of(evil, cut, missing)) {
            for (String[] args : List.of(new String[]{"info", p.toString()}, new String[]{"query", p.toString(), "--label", "x"},
                    new String[]{"all-pairs", p.toString(), "--out", dir.resolve("out").toString()})) {
                CliRun r = CliRun.of(args);
                assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
                List<String> err = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
                assertEquals(1, err.size(), r.err());
                assertTrue(err.getFirst().startsWith("cossim: error: " + p + ": "), r.err());
                assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            }
        }
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
