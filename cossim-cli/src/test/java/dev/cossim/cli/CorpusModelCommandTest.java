package dev.cossim.cli;

import dev.cossim.query.Corpus;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TsvReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model commands on a batch tree as 'embed --outputs' writes it: rows at --position, labels shown. */
class CorpusModelCommandTest {
    @TempDir
    static Path shared;
    static Path hidden;

    @TempDir
    Path dir;

    @BeforeAll
    static void embed() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../cossim-text/src/test/resources/texts/shakespeare-sonnets.txt")).stream()
                .filter(l -> !l.isBlank()).limit(10).toList();
        Path in = Files.write(shared.resolve("lines.txt"), lines);
        Path tree = shared.resolve("blocks");
        CliRun r = CliRun.of("embed", in.toString(), "--outputs", "hidden", "--layers", "5", "--tokens", "--token-slots", "2",
                "--rows-per-file", "4", "-o", tree.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        hidden = tree.resolve("layer05/hidden");
    }

    @Test
    void allPairsAtAPositionMatchesABruteForceFromTheBatchFiles() throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("all-pairs", hidden.toString(), "--position", "-2", "-k", "3", "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("model:     " + hidden + " : 3 batch file(s) F32 [rows, 2, 384], position 0/-2  rows F32 [10, 384]"), r.out());
        List<List<String>> tsv = TsvReader.read(Files.readString(out.resolve("neighbors.tsv")));
        try (Corpus c = Corpus.open(List.of(hidden), null, null)) {
            int n = (int) c.rows();
            double[][] v = new double[n][];
            for (int i = 0; i < n; i++) {
                v[i] = c.vector(i, 0);
            }
            assertEquals(1 + 3 * n, tsv.size());
            for (int i = 0; i < n; i++) {
                final int a = i;
                List<Integer> others = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        others.add(j);
                    }
                }
                others.sort(Comparator.<Integer>comparingDouble(j -> -cosine(v[a], v[j])).thenComparingInt(j -> j));
                for (int k = 0; k < 3; k++) {
                    List<String> row = tsv.get(1 + 3 * i + k);
                    int j = others.get(k);
                    assertEquals(List.of(Integer.toString(i), c.label(i), Integer.toString(k + 1), Integer.toString(j), c.label(j)),
                            row.subList(0, 5));
                    assertEquals(cosine(v[i], v[j]), Double.parseDouble(row.get(5)), 1e-6);
                }
            }
        }
    }

    private static double cosine(double[] x, double[] y) {
        double d = 0, a = 0, b = 0;
        for (int i = 0; i < x.length; i++) {
            d += x[i] * y[i];
            a += x[i] * x[i];
            b += y[i] * y[i];
        }
        return d / Math.sqrt(a * b);
    }

    @Test
    void badCorporaGetOneLineErrors() throws Exception {
        assertOneLine(CliRun.of("all-pairs", hidden.toString()), "cossim: error: --position (none): " + hidden.resolve("batch_00000.npy")
                + " is 3-D [rows, 2, dim]: choose a token position (negative counts from the end)");
        assertOneLine(CliRun.of("near-duplicates", hidden.toString(), "--position", "2", "--threshold", "0.9"),
                "cossim: error: --position 2: out of range for 2 positions in " + hidden.resolve("batch_00000.npy"));
        assertOneLine(CliRun.of("all-pairs", hidden.getParent().getParent().toString(), "--position", "-1"),
                "cossim: error: " + hidden.getParent().getParent() + ": holds one batch tree per layer and output ("
                        + hidden.getParent().getParent().resolve("layer05/hidden") + ", ...): name one of them");
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        npy(mixed.resolve("batch_0.npy"), 2, 2, 3);
        npy(mixed.resolve("batch_1.npy"), 2, 2, 4);
        assertOneLine(CliRun.of("all-pairs", mixed.toString(), "--position", "-1"),
                "cossim: error: " + mixed.resolve("batch_1.npy") + ": vectors have dimension 4, but " + mixed.resolve("batch_0.npy") + " has 3");
        assertOneLine(CliRun.of("neighbors", "--position", "1", "king"),
                "cossim: error: --position 1: the default model is a model; a token position applies to a corpus of 3-D batch files");
    }

    private static void assertOneLine(CliRun r, String line) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(line + "\n", r.err());
    }

    /** A .npy of float32 ones, [rows, positions, dim]. */
    private static void npy(Path p, int rows, int positions, int dim) {
        float[] ones = new float[rows * positions * dim];
        java.util.Arrays.fill(ones, 1f);
        TestFiles.npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + positions + ", " + dim + "), }",
                TestFiles.f32(ones));
    }
}
