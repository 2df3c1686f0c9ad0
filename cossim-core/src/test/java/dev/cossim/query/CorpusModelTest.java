package dev.cossim.query;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.matrix.Selection;
import dev.cossim.results.Group;
import dev.cossim.results.Neighbors;
import dev.cossim.source.DType;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A corpus of batch files as the model of an analysis: the same results as its rows written as one 2-D matrix. */
class CorpusModelTest {
    static final int T = 3, D = 8;

    @TempDir
    Path dir;

    /** [rows, T, D] values whose slot T-1 of row r is {@code rows}' row r; the other slots are noise. */
    private static float[] perToken(float[] rows, int n, long seed) {
        float[] noise = Synthetic.gaussian(n * T, D, seed);
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * D, noise, (r * T + T - 1) * D, D);
        }
        return noise;
    }

    @Test
    void threeDimensionalBatchesAtAPositionEqualTheSameRowsAsOneMatrix() throws Exception {
        int n1 = 30, n2 = 25, n = n1 + n2;
        float[] rows = Synthetic.gaussian(n, D, 5);
        // Near duplicates: rows 40 and 52 close to row 3 (across the two batches), row 20 close to row 11.
        for (int[] pair : new int[][]{{3, 40}, {3, 52}, {11, 20}}) {
            for (int k = 0; k < D; k++) {
                rows[pair[1] * D + k] = rows[pair[0] * D + k] * 1.01f + (k == 0 ? 0.01f : 0);
            }
        }
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        BatchFiles.npy(corpus, "batch_00000.npy", DType.F32, perToken(Arrays.copyOfRange(rows, 0, n1 * D), n1, 1), n1, T, D);
        BatchFiles.npy(corpus, "batch_00001.npy", DType.F32, perToken(Arrays.copyOfRange(rows, n1 * D, n * D), n2, 2), n2, T, D);
        List<String> labels = IntStream.range(0, n).mapToObj(i -> "text " + i).toList();
        BatchFiles.labels(corpus, "batch_00000.txt", labels.subList(0, n1));
        BatchFiles.labels(corpus, "batch_00001.txt", labels.subList(n1, n));
        Path flat = BatchFiles.npy(Files.createDirectories(dir.resolve("flat")), "rows.npy", DType.F32, rows, n, D);

        AnalysisResult a = Analysis.open(corpus.toString(), null, null).position(-1, null)
                .histogram(200).topK(3).nearDuplicates(0.99, 1000).threads(2).run();
        AnalysisResult b = Analysis.open(flat.toString(), null, null).histogram(200).topK(3).nearDuplicates(0.99, 1000).threads(2).run();
        assertArrayEquals(b.histogram().counts(), a.histogram().counts());
        assertEquals((long) n * (n - 1) / 2, a.histogram().total());
        BruteForce bf = new BruteForce(rows, n, D);
        for (int r = 0; r < n; r++) {
            Neighbors x = a.topK().neighbors(r), y = b.topK().neighbors(r);
            assertArrayEquals(y.ids(), x.ids());
            assertArrayEquals(y.similarities(), x.similarities());
            assertArrayEquals(bf.topK(x.id(), 3), x.ids(), "row " + x.id());
        }
        List<int[]> groups = new ArrayList<>();
        for (Group g : a.nearDuplicates().groups()) {
            groups.add(g.ids());
        }
        assertEquals(2, groups.size());
        assertArrayEquals(new int[]{3, 40, 52}, groups.get(0));
        assertArrayEquals(new int[]{11, 20}, groups.get(1));
        assertEquals(b.nearDuplicates().groups().size(), groups.size());
        for (int i = 0; i < groups.size(); i++) {
            assertArrayEquals(b.nearDuplicates().groups().get(i).ids(), groups.get(i));
        }
        // The labels are the vocabulary: shown, and selected by match.
        assertEquals("text 40", a.vocabulary().token(40));
        assertTrue(a.modelDescription().contains("2 batch file(s) F32 [rows, 3, 8], position 2/-1"), a.modelDescription());
        AnalysisResult m = Analysis.open(corpus.toString(), null, null).position(-1, null)
                .rows(new Selection(null, "^text [0-9]$", 1, 0, 0)).histogram(10).threads(1).run();
        assertArrayEquals(IntStream.range(0, 10).toArray(), m.rows().ids());
    }

    @Test
    void rowsWhosePositionIsPaddingAreZeroedAndCounted() throws Exception {
        int n = 4;
        float[] v = Synthetic.gaussian(n * T, D, 9);
        BatchFiles.npy(dir, "batch_00000.npy", DType.F32, v, n, T, D);
        Files.writeString(dir.resolve("batch_00000.tokens"), "3\n1\n2\n5\n");
        // Aligned at the end, slot 0 holds a token only for counts of 3 or more: rows 1 and 2 are padding there.
        try (EmbeddingModel m = CorpusModel.open(dir.toString(), null, null, 0, true)) {
            assertTrue(m.description().endsWith(", 2 rows in padding left out"), m.description());
            for (int r = 0; r < n; r++) {
                double[] got = m.matrix().rowAsDoubles(r);
                for (int k = 0; k < D; k++) {
                    assertEquals(r == 1 || r == 2 ? 0 : v[(r * T) * D + k], got[k], 0);
                }
            }
        }
        // Aligned at the start, the last slot holds a token only for counts of 3 or more: again rows 1 and 2.
        try (EmbeddingModel m = CorpusModel.open(dir.toString(), null, null, -1, false)) {
            assertTrue(m.description().endsWith(", 2 rows in padding left out"), m.description());
            assertEquals(v[(3 * T + 2) * D], m.matrix().rowAsDoubles(3)[0], 0);
        }
        AnalysisResult r = Analysis.open(dir.toString(), null, null).position(0, true).histogram(10).threads(1).run();
        assertArrayEquals(new int[]{1, 2}, r.rows().zeroRows());
        assertEquals(1, r.histogram().total());
    }

    @Test
    void badInputSaysWhatIsWrongInOneLine() throws Exception {
        BatchFiles.npy(dir, "batch_00000.npy", DType.F32, new float[2 * T * D], 2, T, D);
        ParameterException none = assertThrows(ParameterException.class, () -> CorpusModel.open(dir.toString(), null, null, null, null));
        assertEquals("position", none.parameter());
        assertTrue(none.reason().contains("is 3-D [rows, 3, dim]: choose a token position"), none.reason());
        ParameterException far = assertThrows(ParameterException.class, () -> CorpusModel.open(dir.toString(), null, null, -4, null));
        assertTrue(far.reason().startsWith("out of range for 3 positions"), far.reason());
        BatchFiles.npy(dir, "batch_00001.npy", DType.F32, new float[2 * T * 7], 2, T, 7);
        CossimException dims = assertThrows(CossimException.class, () -> CorpusModel.open(dir.toString(), null, null, 0, null));
        assertEquals(dir.resolve("batch_00001.npy") + ": vectors have dimension 7, but " + dir.resolve("batch_00000.npy") + " has 8",
                dims.getMessage());
        ParameterException model = assertThrows(ParameterException.class, () -> CorpusModel.open(null, null, null, 1, null));
        assertTrue(model.reason().contains("is a model"), model.reason());
    }

    /** A sparse float16 file of 2^31 + 8 values: refused before any array is made, in one line. */
    @Test
    void aCorpusLargerThanAnArrayIsRefusedBeforeReading() throws Exception {
        long n = (1L << 28) + 1;
        Path p = TestFiles.npy(dir.resolve("big.npy"), 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (" + n + ", 8), }", new byte[0]);
        long size = Files.size(p) + n * 8 * 2;
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        } catch (java.io.IOException e) {
            Assumptions.assumeTrue(false, "no sparse file of " + size + " bytes here: " + e.getMessage());
        }
        CossimException e = assertThrows(CossimException.class, () -> CorpusModel.open(p.toString(), null, null, -1, null));
        assertEquals(p + ": 268,435,457 rows x 8 values are more than one array holds (2,147,483,631); analyse fewer rows"
                + " (a batch file or a directory of fewer batches)", e.getMessage());
    }

    @Test
    void modelsStayModelsAndBatchesBecomeCorpora() throws Exception {
        Path hf = Files.createDirectories(dir.resolve("hf"));
        BatchFiles.safetensors(hf, "model.safetensors", "embeddings.word_embeddings.weight", new float[6], 3, 2);
        BatchFiles.npy(hf, "extra.npy", DType.F32, new float[6], 3, 2);
        assertFalse(CorpusModel.isCorpus(hf, null, null, null));
        Path lone = Files.createDirectories(dir.resolve("lone"));
        Path st = BatchFiles.safetensors(lone, "weights.safetensors", "w", new float[6], 3, 2);
        assertFalse(CorpusModel.isCorpus(lone, null, null, null));
        assertTrue(CorpusModel.isCorpus(lone, null, null, -1));
        assertFalse(CorpusModel.isCorpus(st, null, null, null));
        Path flat = BatchFiles.npy(Files.createDirectories(dir.resolve("flat")), "m.npy", DType.F32, new float[6], 3, 2);
        assertFalse(CorpusModel.isCorpus(flat, null, null, null));
        BatchFiles.labels(flat.getParent(), "m.txt", List.of("a", "b", "c"));
        assertFalse(CorpusModel.isCorpus(flat, null, null, null), "a 2-D batch with labels stays a model file, labelled");
        assertFalse(CorpusModel.isCorpus(flat, null, flat.getParent().resolve("m.txt"), null));
        Path cube = BatchFiles.npy(Files.createDirectories(dir.resolve("cube")), "c.npy", DType.F32, new float[12], 3, 2, 2);
        assertTrue(CorpusModel.isCorpus(cube, null, null, null));
        assertTrue(CorpusModel.isCorpus(Files.createDirectories(dir.resolve("batches")).resolve("..").resolve("cube"), null, null, null));
        try (EmbeddingModel m = CorpusModel.open(flat.toString(), null, null, null, null)) {
            assertEquals("b", m.vocabulary().token(1));
            assertEquals(3, m.rows());
            assertTrue(m.matrix().data().isMapped(), "the file as it is, not a copy");
        }
    }
}
