package dev.cossim.text;

import dev.cossim.CossimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Hugging Face tokenizer on the default model's tokenizer.json, offline. */
class HfTokenizerTest {
    @Test
    void wordPieceSplitsLikeBert() {
        try (HfTokenizer t = HfTokenizer.defaultModel()) {
            WordPieces sun = t.pieces("sunshine");
            assertEquals(List.of(9609), sun.ids());
            assertTrue(sun.single());
            WordPieces pine = t.pieces("pineapple");
            assertEquals(List.of(7222, 23804), pine.ids());
            assertEquals(List.of("pine", "##apple"), pine.tokens());
            // Lower-cased and without [CLS]/[SEP]: the model's own normaliser runs.
            assertEquals(List.of(9609), t.pieces("Sunshine").ids());
        }
    }

    @Test
    void aTokenizerFileOnDiskAndAMissingOne(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokenizer.json");
        try (var in = dev.cossim.source.DefaultModel.resource(dev.cossim.source.DefaultModel.TOKENIZER_RESOURCE)) {
            Files.copy(in, f);
        }
        try (HfTokenizer t = HfTokenizer.open(f)) {
            assertEquals(2, t.ids("hello world").length);
        }
        CossimException e = assertThrows(CossimException.class, () -> HfTokenizer.open(dir.resolve("none.json")));
        assertTrue(e.getMessage().endsWith("none.json: no such tokenizer file"), e.getMessage());
    }
}
