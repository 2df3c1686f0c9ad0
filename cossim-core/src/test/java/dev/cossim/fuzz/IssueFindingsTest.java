package dev.cossim.fuzz;

import dev.cossim.CossimException;
import dev.cossim.query.BatchFile;
import dev.cossim.source.NpyFile;
import dev.cossim.source.NpyHeader;
import dev.cossim.source.OnnxFile;
import dev.cossim.source.SafetensorsFile;
import dev.cossim.source.ShardedCheckpoint;
import dev.cossim.testing.TestFiles;
import dev.cossim.vocab.Vocabulary;
import dev.cossim.vocab.VocabularyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each reader finding of issue 16 (a fuzzer run and a battery of bad CLI inputs), re-checked on a file written byte
 * by byte: the project's one-line error naming the file, where the readers used to throw another exception or
 * accept the file silently.
 */
class IssueFindingsTest {
    @TempDir
    Path dir;

    static void refused(Path file, String what, Executable read) {
        CossimException e = assertThrows(CossimException.class, read);
        assertEquals(file + ": " + what, e.getMessage());
    }

    @Test
    void npyShapeMalformedOrOverflowing() {
        Path p = TestFiles.npy(dir.resolve("a.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (,), }", new byte[0]);
        refused(p, ".npy shape (,) has an empty dimension", () -> NpyFile.open(p).close());
        // Was ArithmeticException: integer overflow in BatchFile.<init>.
        Path b = TestFiles.write(dir.resolve("b.npy"), CoreFuzzTargets.cat(NpyHeader.format("<f4", 4611686018427387904L, 2, 4), new byte[32]));
        refused(b, ".npy shape (4611686018427387904, 2, 4) too large to address", () -> BatchFile.open(b, null).close());
        // Found by bench/fuzz.sh: 2^63 - 1 one-byte elements fit a signed size, and the data's end wrapped past it
        // (IndexOutOfBoundsException from the mapping's slice).
        Path c = TestFiles.write(dir.resolve("c.npy"), CoreFuzzTargets.cat(NpyHeader.format("|u1", Long.MAX_VALUE), new byte[26]));
        refused(c, "truncated .npy file: shape needs 9223372036854775807 bytes of data, file has 26", () -> NpyFile.open(c).close());
    }

    @Test
    void tokenizerIdsOutOfRangeOrNotIntegers() {
        // Was NegativeArraySizeException: -2147483648 (an array of max id + 1).
        String big = "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"a\":0,\"b\":2147483647}}}";
        Path p = TestFiles.write(dir.resolve("big.json"), big);
        refused(p, "tokenizer.json has token id 2147483647, more ids than a file of " + big.length() + " bytes can list",
                () -> VocabularyFiles.read(p));
        // Ids that fit the file are fine, gaps included.
        Path gap = TestFiles.write(dir.resolve("gap.json"), "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"a\":0,\"b\":5}}}");
        Vocabulary v = VocabularyFiles.read(gap);
        assertEquals(6, v.size());
        assertEquals("b", v.token(5));
        Path text = TestFiles.write(dir.resolve("text.json"), "{\"model\":{\"vocab\":{\"a\":\"x\"}}}");
        refused(text, "tokenizer.json gives 'a' the id \"x\", not a non-negative integer", () -> VocabularyFiles.read(text));
        Path frac = TestFiles.write(dir.resolve("frac.json"), "{\"model\":{\"vocab\":{\"a\":1.5}}}");
        refused(frac, "tokenizer.json gives 'a' the id 1.5, not a non-negative integer", () -> VocabularyFiles.read(frac));
        Path added = TestFiles.write(dir.resolve("added.json"), "{\"model\":{\"vocab\":{\"a\":0}},\"added_tokens\":[{\"id\":-3,\"content\":\"x\"}]}");
        refused(added, "tokenizer.json has an added token that is not {id: a non-negative integer, content: a string}",
                () -> VocabularyFiles.read(added));
    }

    @Test
    void unigramEntriesThatAreNotPairs() {
        // Was NullPointerException: a Unigram entry missing its piece.
        Path p = TestFiles.write(dir.resolve("uni.json"), "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0],[5]]}}");
        refused(p, "tokenizer.json model.vocab entry 1 is not a [piece, score] pair", () -> VocabularyFiles.read(p));
        Path q = TestFiles.write(dir.resolve("uni2.json"), "{\"model\":{\"type\":\"Unigram\",\"vocab\":[7]}}");
        refused(q, "tokenizer.json model.vocab entry 0 is not a [piece, score] pair", () -> VocabularyFiles.read(q));
    }

    @Test
    void escapedSurrogatePairInAKey() {
        // jackson-core 2.21.0 refused this valid file ("Invalid UTF-8: Illegal surrogate character"); 2.21.2 reads it.
        Path p = TestFiles.write(dir.resolve("emoji.json"),
                "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"<unk>\":0,\"\\ud83d\\ude00\":1},\"unk_token\":\"<unk>\"}}");
        Vocabulary v = VocabularyFiles.read(p);
        assertEquals("\uD83D\uDE00", v.token(1));
        assertEquals(1, v.id("\uD83D\uDE00").getAsInt());
    }

    @Test
    void shardNamesThatAreNotFileNames() throws Exception {
        // Was InvalidPathException: Nul character not allowed.
        Path nul = TestFiles.write(dir.resolve("nul.index.json"), "{\"weight_map\":{\"a\":\"x\\u0000.safetensors\"}}");
        refused(nul, "weight_map gives tensor 'a' the shard \"x\\u0000.safetensors\", not a file name in the index's directory",
                () -> ShardedCheckpoint.open(nul).close());
        Files.createDirectories(dir.resolve("sub"));
        TestFiles.safetensors(dir.resolve("outside.safetensors"), "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", TestFiles.f32(1));
        Path up = TestFiles.write(dir.resolve("sub/model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"../outside.safetensors\"}}");
        refused(up, "weight_map gives tensor 'a' the shard \"../outside.safetensors\", not a file name in the index's directory",
                () -> ShardedCheckpoint.open(up).close());
        Path num = TestFiles.write(dir.resolve("num.index.json"), "{\"weight_map\":{\"a\":7}}");
        refused(num, "weight_map gives tensor 'a' the shard 7, not a file name in the index's directory",
                () -> ShardedCheckpoint.open(num).close());
    }

    @Test
    void safetensorsAcceptedSilentlyBefore() {
        // Overlap hidden behind an empty tensor sorted between the two: a [0,16) and b [4,20) with e [2,2).
        Path hidden = TestFiles.safetensors(dir.resolve("hidden.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[2,2]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[4,20]}}", new byte[20]);
        refused(hidden, "tensors 'a' and 'b' have overlapping data_offsets", () -> SafetensorsFile.open(hidden).close());
        // Offsets past 2^64 used to wrap to [0, 16].
        Path wrap = TestFiles.safetensors(dir.resolve("wrap.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[18446744073709551616,18446744073709551632]}}", new byte[16]);
        refused(wrap, "tensor 'a' has no data_offsets [begin, end]", () -> SafetensorsFile.open(wrap).close());
        Path trailing = TestFiles.safetensors(dir.resolve("trailing.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {}", new byte[4]);
        CossimException e = assertThrows(CossimException.class, () -> SafetensorsFile.open(trailing).close());
        assertTrue(e.getMessage().startsWith(trailing + ": safetensors header is not valid JSON: "), e.getMessage());
        // The spec's padding (spaces after the JSON) stays accepted.
        Path padded = TestFiles.safetensors(dir.resolve("padded.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}    ", TestFiles.f32(2));
        try (SafetensorsFile f = SafetensorsFile.open(padded)) {
            assertEquals(2.0, f.tensor("a").getDouble(0));
        }
    }

    @Test
    void onnxDimensionsAndLengthsThatOverflow() throws Exception {
        Path big = TestFiles.write(dir.resolve("big.onnx"), TestFiles.onnxModel(
                TestFiles.onnxTensor("w", new long[]{1L << 40, 1L << 40}, 1, new byte[0], null)));
        refused(big, "tensor 'w' has shape [1099511627776, 1099511627776], too large to address", () -> {
            try (OnnxFile f = OnnxFile.open(big)) {
                f.tensor("w");
            }
        });
        Path neg = TestFiles.write(dir.resolve("neg.onnx"), TestFiles.onnxModel(
                TestFiles.onnxTensor("w", new long[]{-1, 3}, 1, new byte[0], null)));
        refused(neg, "tensor 'w' has a negative dimension in shape [-1, 3]", () -> {
            try (OnnxFile f = OnnxFile.open(neg)) {
                f.tensor("w");
            }
        });
        // A graph (field 7) claiming 268435455 bytes in a 5-byte file: refused before anything of that size is made.
        Path cut = TestFiles.write(dir.resolve("cut.onnx"), new byte[]{0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        CossimException e = assertThrows(CossimException.class, () -> {
            try (OnnxFile f = OnnxFile.open(cut)) {
                f.tensors();
            }
        });
        assertTrue(e.getMessage().startsWith(cut + ": not a valid ONNX model (corrupt protobuf: "), e.getMessage());
    }

    @Test
    void namesFromTheFileKeepTheMessageOnOneLine() {
        Path p = TestFiles.safetensors(dir.resolve("nl.safetensors"),
                "{\"a\\nb\\u0000\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        refused(p, "tensor 'a\\nb\\u0000' has unknown dtype 'Q4'", () -> SafetensorsFile.open(p).close());
        Path wide = TestFiles.safetensors(dir.resolve("wide.safetensors"),
                "{\"" + "x".repeat(5000) + "\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        CossimException e = assertThrows(CossimException.class, () -> SafetensorsFile.open(wide).close());
        assertEquals(1003, e.getMessage().length(), "cut to 1000 characters and an ellipsis");
        assertTrue(e.getMessage().startsWith(wide + ": tensor 'xxx") && e.getMessage().endsWith("xxx..."));
    }
}
