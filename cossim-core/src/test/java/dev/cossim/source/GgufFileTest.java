package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.testing.GgufBytes;
import dev.cossim.testing.GgufQuants;
import dev.cossim.testing.TestFiles;
import dev.cossim.vocab.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.cossim.testing.GgufBytes.str;
import static dev.cossim.testing.GgufBytes.u32;
import static dev.cossim.testing.GgufBytes.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** GGUF files written byte by byte from the specification, read back value for value. */
class GgufFileTest {
    @TempDir
    Path dir;

    @Test
    void v3MetadataOfEveryTypeTensorInfosAndReversedShapes() {
        ByteArrayOutputStream ints = new ByteArrayOutputStream();
        ints.writeBytes(u32(GgufBytes.INT32));
        ints.writeBytes(u64(3));
        for (int v : new int[]{7, -1, 100000}) {
            ints.writeBytes(u32(v));
        }
        Path p = new GgufBytes(3)
                .string("general.architecture", "llama")
                .string("general.name", "tiny ✓")
                .kv("u8", GgufBytes.UINT8, new byte[]{(byte) 200})
                .kv("i8", GgufBytes.INT8, new byte[]{(byte) -5})
                .kv("u16", GgufBytes.UINT16, new byte[]{(byte) 0xff, (byte) 0xff})
                .kv("i16", GgufBytes.INT16, new byte[]{(byte) 0xfe, (byte) 0xff})
                .u32("u32", 4_000_000_000L)
                .kv("i32", GgufBytes.INT32, u32(-123456))
                .kv("f32", GgufBytes.FLOAT32, TestFiles.f32(0.25f))
                .kv("bool", GgufBytes.BOOL, new byte[]{1})
                .kv("u64", GgufBytes.UINT64, u64(1L << 40))
                .kv("i64", GgufBytes.INT64, u64(-7))
                .kv("f64", GgufBytes.FLOAT64, TestFiles.f64(java.nio.ByteOrder.LITTLE_ENDIAN, Math.PI))
                .kv("ints", GgufBytes.ARRAY, ints.toByteArray())
                .stringArray("strings", "a", "", "ßü")
                // ggml ne = [3, 2]: three values per row, two rows; our shape is [2, 3]
                .tensor("token_embd.weight", new long[]{3, 2}, GgufBytes.F32, TestFiles.f32(1, 2, 3, 4, 5, 6))
                .tensor("f16", new long[]{2, 1, 2}, GgufBytes.F16, TestFiles.f16(0.5f, -1, 65504, 1e-3f))
                .tensor("bf16", new long[]{2}, GgufBytes.BF16, TestFiles.bf16(3.5f, -0.125f))
                .write(dir.resolve("m.gguf"));
        try (GgufFile g = GgufFile.open(p)) {
            assertEquals(3, g.version());
            assertEquals(32, g.alignment());
            Map<String, Object> m = g.metadata();
            assertEquals("llama", m.get("general.architecture"));
            assertEquals("tiny ✓", m.get("general.name"));
            assertEquals(200L, m.get("u8"));
            assertEquals(-5L, m.get("i8"));
            assertEquals(65535L, m.get("u16"));
            assertEquals(-2L, m.get("i16"));
            assertEquals(4_000_000_000L, m.get("u32"));
            assertEquals(-123456L, m.get("i32"));
            assertEquals(0.25, m.get("f32"));
            assertEquals(true, m.get("bool"));
            assertEquals(1L << 40, m.get("u64"));
            assertEquals(-7L, m.get("i64"));
            assertEquals(Math.PI, m.get("f64"));
            assertEquals("[int32 x 3]", m.get("ints").toString());
            assertArrayEquals(new String[]{"a", "", "ßü"}, g.strings("strings"));
            assertNull(g.strings("ints"));
            assertEquals(List.of("token_embd.weight F32 [2, 3]", "f16 F16 [2, 1, 2]", "bf16 BF16 [2]"),
                    g.tensors().stream().map(TensorInfo::toString).toList());
            Tensor t = g.tensor("token_embd.weight").requireMatrix();
            assertEquals(2, t.rows());
            assertArrayEquals(new double[]{4, 5, 6}, t.rowAsDoubles(1));
            Tensor h = g.tensor("f16");
            float[] hv = new float[4];
            h.readFloats(0, hv, 0, 4);
            assertArrayEquals(new float[]{0.5f, -1, 65504, Float.float16ToFloat(Float.floatToFloat16(1e-3f))}, hv);
            assertEquals(-0.125, g.tensor("bf16").getDouble(1));
            assertNull(g.vocabulary());
        }
    }

    @Test
    void v2WithItsOwnAlignment() {
        Path p = new GgufBytes(2).alignment(64)
                .tensor("a", new long[]{2}, GgufBytes.F32, TestFiles.f32(1, 2))
                .tensor("token_embd.weight", new long[]{2, 2}, GgufBytes.F32, TestFiles.f32(9, 8, 7, 6))
                .write(dir.resolve("v2.gguf"));
        try (GgufFile g = GgufFile.open(p)) {
            assertEquals(2, g.version());
            assertEquals(64, g.alignment());
            assertArrayEquals(new double[]{7, 6}, g.tensor("token_embd.weight").rowAsDoubles(1));
        }
        // The second tensor sits at offset 64 of a data section that starts at a multiple of 64: read with the
        // default alignment of 32 it would be other bytes.
    }

    /** Literal blocks whose values are worked out by hand. */
    @Test
    void handCheckedBlocks() {
        // Q4_0: d = 0.25 (float16 0x3400); byte 0 = 0x9F: element 0 = (15 - 8)·0.25, element 16 = (9 - 8)·0.25;
        // byte 1 = 0x08: element 1 = (8 - 8)·0.25 = 0, element 17 = (0 - 8)·0.25; every other byte 0x88 gives 0.
        byte[] q40 = new byte[18];
        Arrays.fill(q40, (byte) 0x88);
        q40[0] = 0x00;
        q40[1] = 0x34;
        q40[2] = (byte) 0x9F;
        q40[3] = 0x08;
        // Q4_K: d = 1 (0x3C00), dmin = 0.5 (0x3800). Sub-block 0: scale 2, min 3 (bytes 0 and 4); sub-block 1:
        // scale 1 (byte 1); sub-block 4: scale 17 = 0b01_0001, its low 4 bits in byte 8, its top 2 bits in the top of
        // byte 0 (0x42). Quant byte 0 = 0x5A: element 0 = 1·2·10 − 0.5·3 = 18.5, element 32 = 1·1·5 − 0 = 5;
        // element 1 (quant 0) = −1.5; quant byte 64 = 0x03: element 128 = 1·17·3 = 51, element 160 (scale 0) = 0.
        byte[] q4k = new byte[144];
        q4k[0] = 0x00;
        q4k[1] = 0x3C;
        q4k[2] = 0x00;
        q4k[3] = 0x38;
        q4k[4] = 0x42; // scales[0]
        q4k[5] = 0x01; // scales[1]
        q4k[8] = 0x03; // scales[4]: min 0 = 3
        q4k[12] = 0x01; // scales[8]: scale 4 low bits 1, min 4 = 0
        q4k[16] = 0x5A; // qs[0]
        q4k[16 + 64] = 0x03; // qs[64]
        Path p = new GgufBytes(3)
                .tensor("q4_0", new long[]{32}, GgufBytes.Q4_0, q40)
                .tensor("q4_k", new long[]{256}, GgufBytes.Q4_K, q4k)
                .write(dir.resolve("hand.gguf"));
        try (GgufFile g = GgufFile.open(p)) {
            float[] a = new float[32];
            g.tensor("q4_0").readFloats(0, a, 0, 32);
            assertEquals(1.75f, a[0]);
            assertEquals(0f, a[1]);
            assertEquals(0.25f, a[16]);
            assertEquals(-2f, a[17]);
            assertEquals(0f, a[31]);
            float[] k = new float[256];
            g.tensor("q4_k").readFloats(0, k, 0, 256);
            assertEquals(18.5f, k[0]);
            assertEquals(-1.5f, k[1]);
            assertEquals(-1.5f, k[31]);
            assertEquals(5f, k[32]);
            assertEquals(0f, k[33]);
            assertEquals(51f, k[128]);
            assertEquals(0f, k[129]);
            assertEquals(0f, k[160]);
        }
    }

    @ParameterizedTest(name = "ggml type {0}")
    @ValueSource(ints = {GgufBytes.Q8_0, GgufBytes.Q4_0, GgufBytes.Q4_1, GgufBytes.Q5_0, GgufBytes.Q5_1,
            GgufBytes.Q4_K, GgufBytes.Q5_K, GgufBytes.Q6_K, GgufBytes.Q8_K})
    void quantisedTypesEqualTheReferenceDequantisation(int type) {
        for (boolean exact : new boolean[]{true, false}) {
            SplittableRandom r = new SplittableRandom(type * 31L + (exact ? 1 : 0));
            int bs = GgufQuants.blockSize(type);
            int rows = 3, blocksPerRow = 2, d = bs * blocksPerRow;
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            double[] want = new double[rows * d], mag = new double[rows * d];
            for (int b = 0; b < rows * blocksPerRow; b++) {
                GgufQuants.Block blk = GgufQuants.random(type, r, exact);
                data.writeBytes(blk.bytes());
                System.arraycopy(blk.values(), 0, want, b * bs, bs);
                System.arraycopy(blk.magnitude(), 0, mag, b * bs, bs);
            }
            Path p = new GgufBytes(3).tensor("token_embd.weight", new long[]{d, rows}, type, data.toByteArray())
                    .write(dir.resolve("q" + type + exact + ".gguf"));
            try (GgufFile g = GgufFile.open(p)) {
                Tensor t = g.tensor("token_embd.weight").requireMatrix();
                assertEquals(rows, t.rows());
                assertEquals(d, t.rowLength());
                float[] row = new float[d];
                for (int i = 0; i < rows; i++) {
                    t.readFloats((long) i * d, row, 0, d);
                    double[] asDoubles = t.rowAsDoubles(i);
                    for (int j = 0; j < d; j++) {
                        int k = i * d + j;
                        check(exact, want[k], mag[k], row[j], type + " row " + i + " col " + j);
                        assertEquals(row[j], asDoubles[j]);
                    }
                }
                // Runs that start and end inside blocks, and single elements.
                int from = 5, len = bs + 11;
                float[] part = new float[len + 2];
                t.readFloats(from, part, 1, len);
                for (int j = 0; j < len; j++) {
                    check(exact, want[from + j], mag[from + j], part[1 + j], type + " run element " + j);
                }
                assertEquals(0f, part[0]);
                assertEquals(0f, part[len + 1]);
                for (int k : new int[]{0, bs - 1, bs, want.length - 1}) {
                    check(exact, want[k], mag[k], (float) t.getDouble(k), type + " element " + k);
                }
            }
        }
    }

    private static void check(boolean exact, double want, double magnitude, float got, String where) {
        if (exact) {
            assertEquals(want, got, 0.0, where);
        } else if (Math.abs(got - want) > 1e-6 * magnitude + 1e-30) {
            fail(where + ": got " + got + ", reference " + want);
        }
    }

    @Test
    void vocabularyFromTheFileShownReadably() {
        Path llama = new GgufBytes(3).string("tokenizer.ggml.model", "llama")
                .stringArray("tokenizer.ggml.tokens", "<unk>", "▁the", "ing", "<0x0A>")
                .tensor("token_embd.weight", new long[]{2, 4}, GgufBytes.F32, TestFiles.f32(1, 0, 0, 1, 1, 1, -1, 2))
                .tensor("output.weight", new long[]{2, 4}, GgufBytes.F32, TestFiles.f32(0, 0, 0, 0, 0, 0, 0, 0))
                .write(dir.resolve("llama.gguf"));
        try (EmbeddingModel m = ModelLoader.open(llama.toString(), null, null)) {
            assertEquals("token_embd.weight", m.matrix().name());
            Vocabulary v = m.vocabulary();
            assertEquals(4, v.size());
            assertEquals(" the", v.token(1));
            assertEquals("▁the", v.rawToken(1));
            assertEquals(1, v.id(" the").getAsInt());
            assertEquals("ing", v.token(2));
            assertArrayEquals(new double[]{-1, 2}, m.matrix().rowAsDoubles(3));
        }
        Path gpt2 = new GgufBytes(3).string("tokenizer.ggml.model", "gpt2")
                .stringArray("tokenizer.ggml.tokens", "Ġhello", "ĊĊ", "Ã©")
                .tensor("token_embd.weight", new long[]{1, 3}, GgufBytes.F32, TestFiles.f32(1, 2, 3))
                .write(dir.resolve("gpt2.gguf"));
        try (EmbeddingModel m = ModelLoader.open(gpt2.toString(), null, null)) {
            assertEquals(" hello", m.vocabulary().token(0));
            assertEquals("\n\n", m.vocabulary().token(1));
            assertEquals("é", m.vocabulary().token(2));
        }
        // llama.cpp's BERT converter: '▁' before word starts, continuations without '##', [CLS]-style tokens as they are.
        Path bert = new GgufBytes(3).string("tokenizer.ggml.model", "bert")
                .stringArray("tokenizer.ggml.tokens", "[CLS]", "▁hello", "s", "▁[unused0]", "hello")
                .tensor("token_embd.weight", new long[]{1, 5}, GgufBytes.F32, TestFiles.f32(1, 2, 3, 4, 5))
                .write(dir.resolve("bert.gguf"));
        try (EmbeddingModel m = ModelLoader.open(bert.toString(), null, null)) {
            Vocabulary v = m.vocabulary();
            assertEquals(List.of("[CLS]", "hello", "##s", "[unused0]"), List.of(v.token(0), v.token(1), v.token(2), v.token(3)));
            assertEquals(2, v.id("##s").getAsInt());
            // 'hello' is the word (raw '▁hello'), not the continuation '##hello' whose raw spelling it is.
            assertEquals("##hello", v.token(4));
            assertEquals(1, v.id("hello").getAsInt());
        }
    }

    @Test
    void theFilesOwnTokensBeatATokenizerBesideItAndVocabOverridesBoth() {
        Path d = dir.resolve("withbeside");
        TestFiles.write(d.resolve("vocab.txt"), "x\ny\n");
        Path p = new GgufBytes(3).stringArray("tokenizer.ggml.tokens", "▁a", "b")
                .tensor("token_embd.weight", new long[]{1, 2}, GgufBytes.F32, TestFiles.f32(1, 2))
                .write(d.resolve("m.gguf"));
        try (EmbeddingModel m = ModelLoader.open(p.toString(), null, null)) {
            assertEquals(" a", m.vocabulary().token(0));
        }
        try (EmbeddingModel m = ModelLoader.open(p.toString(), null, d.resolve("vocab.txt"))) {
            assertEquals("x", m.vocabulary().token(0));
        }
        Path bare = new GgufBytes(3).tensor("token_embd.weight", new long[]{1, 2}, GgufBytes.F32, TestFiles.f32(1, 2))
                .write(d.resolve("bare.gguf"));
        try (EmbeddingModel m = ModelLoader.open(bare.toString(), null, null)) {
            assertEquals("y", m.vocabulary().token(1)); // no tokens inside: the vocab.txt beside it
        }
    }

    @Test
    void openedByMagicWithoutTheExtension() {
        Path p = new GgufBytes(3).tensor("token_embd.weight", new long[]{2, 1}, GgufBytes.F32, TestFiles.f32(3, 4))
                .write(dir.resolve("model.bin"));
        try (TensorFile f = ModelLoader.openFile(p)) {
            assertTrue(f instanceof GgufFile);
            assertEquals(1, f.tensors().size());
        }
    }

    // ---- bad input: one line naming the file, nothing allocated for a claimed size ----

    private CossimException refused(byte[] bytes, String expected) {
        Path p = TestFiles.write(dir.resolve("bad.gguf"), bytes);
        CossimException e = assertThrows(CossimException.class, () -> {
            try (GgufFile g = GgufFile.open(p)) {
                for (TensorInfo t : g.tensors()) {
                    g.tensor(t.name());
                }
            }
        });
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private static GgufBytes oneTensor(long[] ne, int type, byte[] data) {
        return new GgufBytes(3).string("general.architecture", "llama").tensor("token_embd.weight", ne, type, data);
    }

    @Test
    void everyTruncationOfAValidFileIsOneLine() {
        byte[] whole = oneTensor(new long[]{32, 2}, GgufBytes.Q8_0, new byte[68])
                .stringArray("tokenizer.ggml.tokens", "a", "b").bytes();
        for (int n = 0; n < whole.length; n++) {
            Path p = TestFiles.write(dir.resolve("cut.gguf"), Arrays.copyOf(whole, n));
            try (GgufFile g = GgufFile.open(p)) {
                g.tensor("token_embd.weight");
                fail("a file cut to " + n + " of " + whole.length + " bytes was read");
            } catch (CossimException e) {
                assertTrue(e.getMessage().startsWith(p + ": "), n + ": " + e.getMessage());
            }
        }
    }

    @Test
    void tensorPastTheEndOfTheFile() {
        byte[] whole = oneTensor(new long[]{4, 2}, GgufBytes.F32, new byte[32]).bytes();
        refused(Arrays.copyOf(whole, whole.length - 1), "tensor 'token_embd.weight' (32 bytes at offset 0) runs past the end of the file");
        refused(new GgufBytes(3).tensorInfo("token_embd.weight", new long[]{8}, GgufBytes.F32, 1L << 40).bytes(), "runs past the end");
    }

    @Test
    void unknownAndUnreadableTypes() {
        refused(oneTensor(new long[]{4}, 99, new byte[16]).bytes(), "tensor 'token_embd.weight' has unknown ggml type 99");
        refused(oneTensor(new long[]{256}, GgufBytes.Q2_K, new byte[84]).bytes(), "has ggml type Q2_K, which cossim does not read");
        refused(new GgufBytes(3).kv("x", 13, new byte[8]).bytes(), "metadata 'x' has unknown value type 13");
        refused(oneTensor(new long[]{16, 2}, GgufBytes.Q8_0, new byte[68]).bytes(), "rows of 16 values, not a whole number of blocks of 32");
    }

    @Test
    void absurdDimensionsAndCounts() {
        refused(new GgufBytes(3).tensorInfo("t", new long[]{1L << 40, 1L << 40}, GgufBytes.F32, 0).bytes(), "absurd dimensions");
        refused(new GgufBytes(3).tensorInfo("t", new long[]{-1}, GgufBytes.F32, 0).bytes(), "absurd dimension 18446744073709551615");
        refused(new GgufBytes(3).tensorInfo("t", new long[]{1, 1, 1, 1, 1}, GgufBytes.F32, 0).bytes(), "has 5 dimensions; GGUF allows 1 to 4");
        refused(new GgufBytes(3).claimTensors(1L << 50).bytes(), "claims 1125899906842624 tensor infos");
        // An array said to hold 2^60 strings, in a file of a few dozen bytes.
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        a.writeBytes(u32(GgufBytes.STRING));
        a.writeBytes(u64(1L << 60));
        a.writeBytes(str("only one"));
        refused(new GgufBytes(3).kv("tokenizer.ggml.tokens", GgufBytes.ARRAY, a.toByteArray()).bytes(),
                "claims 1152921504606846976 strings in metadata 'tokenizer.ggml.tokens'");
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(u32(GgufBytes.FLOAT32));
        f.writeBytes(u64(1L << 62));
        refused(new GgufBytes(3).kv("scores", GgufBytes.ARRAY, f.toByteArray()).bytes(), "claims 4611686018427387904 float32 values");
        refused(new GgufBytes(3).kv("name", GgufBytes.STRING, u64(1L << 62)).bytes(), "string length 4611686018427387904 runs past the end of the file");
        refused(new GgufBytes(3).kv("name", GgufBytes.STRING, u64(-1)).bytes(), "string length 18446744073709551615 runs past the end of the file");
    }

    @Test
    void misalignedOffsetsAndBadAlignment() {
        byte[] data = new byte[64];
        refused(new GgufBytes(3).tensor("a", new long[]{2}, GgufBytes.F32, new byte[8])
                .tensorInfo("b", new long[]{2}, GgufBytes.F32, 8).tensor("c", new long[]{8}, GgufBytes.F32, data).bytes(),
                "tensor 'b' has offset 8, not a multiple of the alignment 32");
        refused(new GgufBytes(3).u32("general.alignment", 24).bytes(), "general.alignment 24 is not a power of two");
        refused(new GgufBytes(3).tensor("a", new long[]{16}, GgufBytes.F32, data).tensorInfo("b", new long[]{8}, GgufBytes.F32, 32)
                .bytes(), "tensors 'a' and 'b' overlap");
    }

    @Test
    void versionsAndMagic() {
        byte[] v1 = new GgufBytes(1).bytes();
        refused(v1, "GGUF version 1 is not supported");
        refused(new GgufBytes(4).bytes(), "unsupported GGUF version 4");
        byte[] be = new GgufBytes(3).bytes();
        be[4] = 0;
        be[7] = 3;
        refused(be, "big-endian GGUF files are not supported");
        refused("GGML....".getBytes(), "not a GGUF file");
    }
}
