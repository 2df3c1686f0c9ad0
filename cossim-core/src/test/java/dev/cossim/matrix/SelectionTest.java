package dev.cossim.matrix;

import dev.cossim.CossimException;
import dev.cossim.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {
    /** A BERT-like vocabulary: [PAD], then [unused0]..[unused9] at ids 1..10, then words. */
    static final Vocabulary VOCAB = new Vocabulary() {
        @Override
        public int size() {
            return 30;
        }

        @Override
        public String rawToken(int id) {
            return id == 0 ? "[PAD]" : id <= 10 ? "[unused" + (id - 1) + "]" : "word" + id;
        }

        @Override
        public String token(int id) {
            return rawToken(id);
        }

        @Override
        public OptionalInt id(String token) {
            return OptionalInt.empty();
        }
    };

    @Test
    void idsAndRangesAreSortedAndUnique() {
        assertArrayEquals(new int[]{1, 2, 3, 7, 20, 21}, new Selection("20-21,7, 1-3,2", null, 1, 0, 0).apply(30, VOCAB));
    }

    @Test
    void regexSelectsTheUnusedTokensLikeTheSeed() {
        int[] ids = new Selection(null, "^\\[unused", 1, 0, 0).apply(30, VOCAB);
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ids);
        // find(), not matches(): an unanchored pattern matches anywhere.
        assertArrayEquals(new int[]{5, 14, 24}, new Selection(null, "4", 1, 0, 0).apply(30, VOCAB));
    }

    @Test
    void strideTakesEveryNthStartingWithTheFirstAfterFiltering() {
        assertArrayEquals(new int[]{0, 3, 6, 9, 12, 15, 18, 21, 24, 27}, new Selection(null, null, 3, 0, 0).apply(30, VOCAB));
        assertArrayEquals(new int[]{1, 4, 7, 10}, new Selection(null, "unused", 3, 0, 0).apply(30, VOCAB));
    }

    @Test
    void seededSampleIsReproducibleAndUniformlyDrawn() {
        Selection s = new Selection(null, null, 1, 8, 42);
        int[] a = s.apply(30, VOCAB);
        assertArrayEquals(a, s.apply(30, VOCAB));
        assertEquals(8, a.length);
        assertEquals(8, Arrays.stream(a).distinct().count());
        assertTrue(Arrays.stream(a).allMatch(x -> x >= 0 && x < 30));
        assertNotEquals(Arrays.toString(a), Arrays.toString(new Selection(null, null, 1, 8, 43).apply(30, VOCAB)));
        // A sample larger than the selection keeps everything.
        assertEquals(30, new Selection(null, null, 1, 100, 1).apply(30, VOCAB).length);
        // Every row is drawn about equally often over many seeds.
        int[] hits = new int[30];
        for (int seed = 0; seed < 3000; seed++) {
            for (int id : new Selection(null, null, 1, 3, seed).apply(30, VOCAB)) {
                hits[id]++;
            }
        }
        for (int h : hits) {
            assertTrue(h > 200 && h < 400, "expected about 300 draws per row, got " + h);
        }
    }

    @Test
    void specStringParsesEveryPart() {
        Selection s = Selection.parse("rows=0-20;match=unused;stride=2;sample=3;seed=5", "--against");
        assertEquals(new Selection("0-20", "unused", 2, 3, 5), s);
        assertEquals("rows=0-20;match=unused;stride=2;sample=3;seed=5", s.describe());
        assertEquals("all", Selection.ALL.describe());
    }

    @Test
    void badInputNamesTheOptionAndTheProblem() {
        assertTrue(assertThrows(CossimException.class, () -> new Selection("5-2", null, 1, 0, 0).apply(30, VOCAB))
                .getMessage().startsWith("rows 5-2:")); // the CLI shows "--rows 5-2:" (PlotCommandTest: "--rows 150-100")
        assertTrue(assertThrows(CossimException.class, () -> new Selection("3,40", null, 1, 0, 0).apply(30, VOCAB))
                .getMessage().contains("out of range"));
        assertTrue(assertThrows(CossimException.class, () -> new Selection("x", null, 1, 0, 0).apply(30, VOCAB))
                .getMessage().startsWith("rows x:")); // the library's word; the CLI shows "--rows x:" (AnalysisCommandsTest)
        assertTrue(assertThrows(CossimException.class, () -> new Selection(null, "[unused", 1, 0, 0))
                .getMessage().startsWith("match [unused:")); // the CLI: "--match [unused:"
        assertThrows(CossimException.class, () -> new Selection(null, null, 0, 0, 0));
        assertTrue(assertThrows(CossimException.class, () -> Selection.parse("rows=1;color=red", "--against"))
                .getMessage().contains("unknown key 'color'"));
    }

    @Test
    void metricsParseByName() {
        assertEquals(Metric.EUCLIDEAN, Metric.parse("Euclidean"));
        assertEquals(Normalization.CENTRED_UNIT, Metric.CORRELATION.normalization());
        assertThrows(CossimException.class, () -> Metric.parse("manhattan"));
    }
}
