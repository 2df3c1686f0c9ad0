package dev.cossim.source;

import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vocabulary whose size differs from the embedding rows is accepted with one warning naming the file and both sizes:
 * fewer tokens than rows (padded embeddings: the extra rows take part, shown as {@code <id N>}), or more (ids past the
 * rows have no vector). An equal size, or no vocabulary, warns of nothing.
 */
class VocabularySizeTest {
    static final int N = 7, D = 4;

    @TempDir
    Path dir;

    /** m.npy (7 x 4) with a vocab.txt of {@code tokens} tokens beside it, in its own directory. */
    Path model(String name, int tokens) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        float[] m = Synthetic.gaussian(N, D, 2);
        TestFiles.npy(d.resolve("m.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + N + ", " + D + "), }", TestFiles.f32(m));
        if (tokens > 0) {
            List<String> t = new ArrayList<>();
            for (int i = 0; i < tokens; i++) {
                t.add("tok" + i);
            }
            Files.write(d.resolve("vocab.txt"), t);
        }
        return d.resolve("m.npy");
    }

    @Test
    void fewerTokensThanRowsIsAWarningAndThePaddedRowsTakePart() throws Exception {
        Path f = model("padded", 5);
        try (EmbeddingModel m = ModelLoader.open(f.toString(), null, null)) {
            List<String> w = m.warnings();
            assertEquals(1, w.size(), w.toString());
            assertEquals(f.toAbsolutePath().resolveSibling("vocab.txt") + ": 5 tokens for the 7 rows of tensor 'm': rows 5 to 6 have no token "
                    + "and are shown as <id N> (models often pad their embedding rows)", w.getFirst());
            assertEquals("<id 6>", m.vocabulary().display(6));
        }
        // Analysis tells the warning when it opens the model itself, and runs on all 7 rows.
        List<String> warnings = new ArrayList<>();
        AnalysisResult r = Analysis.open(f.toString(), null, null).histogram(10).topK(2).warnings(warnings::add).run();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("5 tokens for the 7 rows"), warnings.getFirst());
        assertEquals(N * (N - 1) / 2, r.pairCount());
        BruteForce bf = new BruteForce(Synthetic.gaussian(N, D, 2), N, D);
        assertEquals(bf.topK(6, 2)[0], r.topK().neighbors(r.rows().indexOf(6)).ids()[0], "a padded row has its neighbours like any other");
        assertEquals(bf.topK(6, 2)[1], r.topK().neighbors(r.rows().indexOf(6)).ids()[1]);
    }

    @Test
    void moreTokensThanRowsIsAWarning() throws Exception {
        Path f = model("larger", 9);
        try (EmbeddingModel m = ModelLoader.open(f.toString(), null, null)) {
            assertEquals(List.of(f.toAbsolutePath().resolveSibling("vocab.txt") + ": 9 tokens for the 7 rows of tensor 'm': ids 7 to 8 have no vector"),
                    m.warnings());
        }
        // A vocabulary given by name is named as given.
        Path v = dir.resolve("larger").resolve("vocab.txt");
        try (EmbeddingModel m = ModelLoader.open(f.toString(), null, v)) {
            assertTrue(m.warnings().getFirst().startsWith(v + ": 9 tokens"), m.warnings().toString());
        }
    }

    @Test
    void anEqualSizeOrNoVocabularyWarnsOfNothing() throws Exception {
        try (EmbeddingModel m = ModelLoader.open(model("equal", N).toString(), null, null)) {
            assertEquals(List.of(), m.warnings());
        }
        try (EmbeddingModel m = ModelLoader.open(model("none", 0).toString(), null, null)) {
            assertEquals(List.of(), m.warnings());
        }
        try (EmbeddingModel m = ModelLoader.open(null, null, null)) {
            assertEquals(List.of(), m.warnings(), "the embedded model's 30522 tokens for its 30522 rows");
        }
    }
}
