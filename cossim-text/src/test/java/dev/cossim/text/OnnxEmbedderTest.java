package dev.cossim.text;

import dev.cossim.analysis.ProgressListener;
import dev.cossim.query.Corpus;
import dev.cossim.source.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real all-MiniLM-L6-v2 through onnxruntime: shapes, batch independence, and sentence similarity that makes sense. */
class OnnxEmbedderTest {
    static OnnxEmbedder e;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        e = OnnxEmbedder.defaultModel(2);
    }

    @AfterAll
    static void close() {
        e.close();
    }

    static double cos(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void oneStateOfModelWidthPerTokenWithSpecialTokens() {
        assertEquals(384, e.dim());
        // [CLS] sunshine pine ##apple [SEP]
        assertArrayEquals(new long[]{101, 9609, 7222, 23804, 102}, e.tokenIds("sunshine pineapple"));
        float[][][] s = e.hiddenStates(List.of("sunshine pineapple"));
        assertEquals(5, s[0].length);
        assertEquals(384, s[0][0].length);
    }

    @Test
    void paddingInABatchDoesNotChangeAText() {
        float[][] alone = e.hiddenStates(List.of("my most gr"))[0];
        float[][][] batch = e.hiddenStates(List.of("a much longer text that forces padding of the short one", "my most gr"));
        assertEquals(alone.length, batch[1].length);
        for (int t = 0; t < alone.length; t++) {
            for (int i = 0; i < alone[t].length; i++) {
                assertEquals(alone[t][i], batch[1][t][i], 2e-4, "token " + t + " dim " + i);
            }
        }
    }

    @Test
    void meanPooledSentencesRankBySense() {
        float[][][] s = e.hiddenStates(List.of("A cat sits on the mat.", "A kitten is sitting on a rug.", "Interest rates rose sharply this quarter."));
        float[] cat = OnnxEmbedder.meanPool(s[0]), kitten = OnnxEmbedder.meanPool(s[1]), rates = OnnxEmbedder.meanPool(s[2]);
        double near = cos(cat, kitten), far = cos(cat, rates);
        assertTrue(near > far + 0.3, "cat~kitten " + near + " vs cat~rates " + far);
    }

    @Test
    void layoutAlignsTokensToTheEndOrStart() {
        float[][] toks = {{1, 1}, {2, 2}, {3, 3}};
        assertArrayEquals(new float[]{0, 0, 1, 1, 2, 2, 3, 3}, OnnxEmbedder.layout(toks, 4, true));
        assertArrayEquals(new float[]{1, 1, 2, 2, 3, 3, 0, 0}, OnnxEmbedder.layout(toks, 4, false));
        assertArrayEquals(new float[]{2, 2, 3, 3}, OnnxEmbedder.layout(toks, 2, true));
        assertArrayEquals(new float[]{1, 1, 2, 2}, OnnxEmbedder.layout(toks, 2, false));
    }

    @Test
    void writesBatchFilesLabelsAndManifestThatACorpusReads() throws Exception {
        List<String> texts = List.of("my most gr", "is dreams,", "line\nbreak", "thy eternal summer", "x");
        for (boolean tokens : new boolean[]{false, true}) {
            Path out = dir.resolve(tokens ? "tok" : "mean");
            Files.createDirectories(out);
            EmbedManifest m = CorpusEmbedder.write(e, texts::get, texts.size(),
                    new CorpusEmbedder.Options(tokens, 0, true, 2, DType.F32, 2), out::resolve, ProgressListener.NONE);
            assertEquals(List.of("batch_00000.npy", "batch_00001.npy", "batch_00002.npy"), m.files());
            assertEquals(m, EmbedManifest.find(out));
            try (Corpus c = Corpus.open(List.of(out), null, null)) {
                assertEquals(5, c.rows());
                assertEquals("line\nbreak", c.label(2));
                int pos = c.position(tokens ? -2 : null);
                for (int r = 0; r < texts.size(); r++) {
                    float[] want = m.embed(e, texts.get(r), pos);
                    double[] got = c.vector(r, pos);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 2e-4, "row " + r + " dim " + i);
                    }
                }
                if (tokens) {
                    assertEquals(m.positions(), c.positions());
                    // "x" is [CLS] x [SEP]: its first slots are padding, written as zero vectors
                    assertArrayEquals(new double[384], c.vector(4, 0));
                }
            }
        }
    }
}
