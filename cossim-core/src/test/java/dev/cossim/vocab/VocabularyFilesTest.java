package dev.cossim.vocab;

import dev.cossim.CossimException;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyFilesTest {
    @TempDir
    Path dir;

    @Test
    void gpt2ByteLevelTokensReadAsText() {
        // 'Ġ' is byte 0x20 (space), 'Ċ' is 0x0A (newline); "Ã©" are the two bytes of 'é' in UTF-8.
        Path p = TestFiles.write(dir.resolve("tokenizer.json"), """
                {"model":{"type":"BPE","vocab":{"hello":0,"Ġworld":1,"ĊĊ":2,"cafÃ©":3,"Ã":4},"merges":[]},
                 "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false},
                 "added_tokens":[{"id":5,"content":"<|endoftext|>","special":true}]}""");
        Vocabulary v = VocabularyFiles.read(p);
        assertEquals(6, v.size());
        assertEquals(" world", v.token(1));
        assertEquals("Ġworld", v.rawToken(1));
        assertEquals("\n\n", v.token(2));
        assertEquals("café", v.token(3));
        assertEquals("\\xc3", v.token(4), "half a character is shown as its byte");
        assertEquals("<|endoftext|>", v.token(5));
        assertEquals(1, v.id("Ġworld").getAsInt());
        assertEquals(1, v.id(" world").getAsInt());
    }

    @Test
    void vocabTxtAndUnigramVocabularies() {
        Vocabulary txt = VocabularyFiles.read(TestFiles.write(dir.resolve("vocab.txt"), "[PAD]\r\n[unused0]\nthe\n"));
        assertEquals(3, txt.size());
        assertEquals("[unused0]", txt.token(1));
        assertEquals(2, txt.id("the").getAsInt());
        Vocabulary uni = VocabularyFiles.read(TestFiles.write(dir.resolve("t5.json"),
                "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"<pad>\",0.0],[\"▁the\",-2.1]]}}"));
        assertEquals("▁the", uni.token(1));
        assertEquals("<id 7>", uni.display(7));
    }

    @Test
    void badVocabularyFilesNameTheFile() {
        Path p = TestFiles.write(dir.resolve("tokenizer.json"), "{\"model\":{}}");
        CossimException e = assertThrows(CossimException.class, () -> VocabularyFiles.read(p));
        assertEquals(p + ": tokenizer.json has no model.vocab", e.getMessage());
        Path broken = TestFiles.write(dir.resolve("broken.json"), "{\"model\":");
        assertTrue(assertThrows(CossimException.class, () -> VocabularyFiles.read(broken)).getMessage().startsWith(broken + ": not valid JSON"));
    }
}
