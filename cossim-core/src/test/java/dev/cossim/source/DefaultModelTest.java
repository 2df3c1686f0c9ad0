package dev.cossim.source;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;
import dev.cossim.testing.BruteForce;
import dev.cossim.vocab.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.cossim.results.Neighbors;

/** The embedded all-MiniLM-L6-v2, read from the Maven Central jar, and the engine on a sample of it. */
class DefaultModelTest {
    static EmbeddingModel model;

    @BeforeAll
    static void open() {
        model = DefaultModel.open();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shapeAndVocabularyAreAllMiniLm() {
        assertEquals(30522, model.rows());
        assertEquals(384, model.dim());
        assertEquals(DType.F32, model.matrix().dtype());
        Vocabulary v = model.vocabulary();
        assertEquals(30522, v.size());
        assertEquals("[PAD]", v.token(0));
        assertEquals("[UNK]", v.token(100));
        assertEquals("[CLS]", v.token(101));
        assertEquals("[SEP]", v.token(102));
        assertEquals("[MASK]", v.token(103));
        long unused = IntStream.range(0, v.size()).filter(i -> v.token(i).startsWith("[unused")).count();
        assertEquals(994, unused);
        assertEquals(9609, v.id("sunshine").getAsInt());
    }

    @Test
    void engineMatchesBruteForceOnASampleOfTheModel() {
        // 1500 rows: the [unused] block (ids 1..998 are near-duplicates, a hard case for ties) plus a random sample.
        Random r = new Random(2024);
        int[] sel = IntStream.concat(IntStream.range(0, 600), r.ints(900, 999, 30522)).distinct().sorted().toArray();
        int n = sel.length, d = model.dim();
        float[] raw = new float[n * d];
        for (int i = 0; i < n; i++) {
            model.matrix().readFloats((long) sel[i] * d, raw, i * d, d);
        }
        BruteForce ref = new BruteForce(raw, n, d);
        RowMatrix rows = RowMatrix.of(model.matrix(), Normalization.UNIT, sel);
        int[] ids = rows.ids();
        SummaryReducer s = new AllPairsEngine(new VectorTileKernel(), 2, 128)
                .run(rows, () -> new SummaryReducer(ids, 2000, -1, 1, 5), ProgressListener.NONE);
        assertEquals(ref.pairs(), s.statistics().count());
        assertEquals(ref.mean(), s.statistics().mean(), 1e-6);
        assertEquals(ref.std(), s.statistics().std(), 1e-6);
        long[] want = ref.histogram(-1, 1, 2000);
        long[] got = s.histogram().counts();
        long moved = 0;
        for (int b = 0; b < want.length; b++) {
            moved += Math.abs(want[b] - got[b]);
        }
        assertTrue(moved / 2 <= ref.nearEdge(-1, 1, 2000, 1e-6), "only pairs within 1e-6 of an edge may move: " + moved / 2);
        // Brute force ranks by the packed index; map back to model ids.
        for (int row = 0; row < n; row += 7) {
            Neighbors nb = s.topK().neighbors(row);
            int[] expect = ref.topK(row, 5);
            for (int q = 0; q < 5; q++) {
                double w = ref.sims[row][expect[q]];
                assertEquals(w, nb.similarities()[q], 1e-6);
                if (nb.ids()[q] != sel[expect[q]]) {
                    int got2 = java.util.Arrays.binarySearch(sel, nb.ids()[q]);
                    assertEquals(w, ref.sims[row][got2], 1e-6, "only near-ties may swap");
                }
            }
        }
    }

    @Test
    void idsOfTheSampleAreModelIds() {
        RowMatrix rows = RowMatrix.of(model.matrix(), Normalization.UNIT, new int[]{9609, 101, 5});
        assertArrayEquals(new int[]{9609, 101, 5}, rows.ids());
    }
}
