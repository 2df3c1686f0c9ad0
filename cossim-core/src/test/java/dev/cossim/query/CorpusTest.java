package dev.cossim.query;

import dev.cossim.CossimException;
import dev.cossim.source.DType;
import dev.cossim.source.NpyFile;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void directoryInNaturalOrderWithLabelsBesideEachBatch() throws Exception {
        BatchFiles.npy(dir, "batch_10.npy", DType.F32, new float[]{5, 6}, 1, 2);
        BatchFiles.npy(dir, "batch_2.npy", DType.F32, new float[]{1, 2, 3, 4}, 2, 2);
        BatchFiles.labels(dir, "batch_2.txt", List.of("first", "second"));
        Files.writeString(dir.resolve("batch_10.jsonl"), "{\"label\": \"line\\nbreak\"}\n");
        try (Corpus c = Corpus.open(List.of(dir), null, null)) {
            assertEquals(3, c.rows());
            assertEquals(List.of("batch_2.npy", "batch_10.npy"),
                    c.batches().stream().map(b -> b.data().path().getFileName().toString()).toList());
            assertEquals("second", c.label(1));
            assertEquals("line\nbreak", c.label(2));
            assertEquals(2, c.find("line\nbreak"));
            assertEquals(-1, c.find("absent"));
            assertArrayEquals(new double[]{5, 6}, c.vector(2, 0));
            assertEquals(1, c.locate(2).batch().index());
            assertEquals(0, c.locate(2).row());
        }
    }

    @Test
    void unlabelledRowsAreNamedByFileAndRow() {
        Path p = BatchFiles.npy(dir, "x.npy", DType.F32, new float[]{1, 2, 3, 4}, 2, 2);
        try (Corpus c = Corpus.open(List.of(p), null, null)) {
            assertEquals("x.npy:1", c.label(1));
        }
    }

    /** The name shown for an unlabelled row is accepted back: query --label 'x.npy:1' finds the row it names. */
    @Test
    void unlabelledRowsAreFoundByTheNameTheyAreShownBy() {
        Path x = BatchFiles.npy(dir, "u_1.npy", DType.F32, new float[]{1, 2, 3, 4}, 2, 2);
        Path y = BatchFiles.npy(dir, "u_2.npy", DType.F32, new float[]{5, 6, 7, 8, 9, 10}, 3, 2);
        try (Corpus c = Corpus.open(List.of(x, y), null, null)) {
            for (long row = 0; row < c.rows(); row++) {
                assertEquals(row, c.find(c.label(row)), c.label(row));
            }
            assertEquals("u_2.npy:2", c.label(4));
            assertEquals(-1, c.find("u_2.npy:3"), "past the batch's rows");
            assertEquals(-1, c.find("other.npy:0"));
            assertEquals(-1, c.find("u_1.npy:"));
        }
    }

    @Test
    void mismatchedBatchesNameTheFile() throws Exception {
        Path a = BatchFiles.npy(dir, "a.npy", DType.F32, new float[6], 2, 3);
        Path b = BatchFiles.npy(dir, "b.npy", DType.F32, new float[8], 2, 4);
        Path h = BatchFiles.npy(dir, "h.npy", DType.F16, new float[6], 2, 3);
        Path t = BatchFiles.npy(dir, "t.npy", DType.F32, new float[12], 2, 2, 3);
        CossimException e = assertThrows(CossimException.class, () -> Corpus.open(List.of(a, b), null, null));
        assertTrue(e.getMessage().startsWith(b + ": vectors have dimension 4, but " + a + " has 3"), e.getMessage());
        e = assertThrows(CossimException.class, () -> Corpus.open(List.of(a, h), null, null));
        assertTrue(e.getMessage().startsWith(h + ": dtype F16 differs from F32"), e.getMessage());
        e = assertThrows(CossimException.class, () -> Corpus.open(List.of(a, t), null, null));
        assertTrue(e.getMessage().startsWith(t + ": shape"), e.getMessage());
    }

    @Test
    void labelCountMustMatchRows() throws Exception {
        Path a = BatchFiles.npy(dir, "a.npy", DType.F32, new float[6], 2, 3);
        Path l = BatchFiles.labels(dir, "a.txt", List.of("only one"));
        CossimException e = assertThrows(CossimException.class, () -> Corpus.open(List.of(a), null, null));
        assertEquals(l + ": 1 labels for the 2 rows of " + a, e.getMessage());
    }

    @Test
    void corruptBatchNamesTheFile() throws Exception {
        Path good = BatchFiles.npy(dir, "a.npy", DType.F32, new float[6], 2, 3);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 5));
        CossimException e = assertThrows(CossimException.class, () -> Corpus.open(List.of(good, cut), null, null));
        assertTrue(e.getMessage().startsWith(cut + ": truncated .npy file"), e.getMessage());
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "not a safetensors file at all");
        e = assertThrows(CossimException.class, () -> Corpus.open(List.of(junk), null, null));
        assertTrue(e.getMessage().startsWith(junk + ": safetensors header length"), e.getMessage());
        Path ints = dir.resolve("ints.npy");
        byte[] ib = Files.readAllBytes(good);
        String s = new String(ib, StandardCharsets.ISO_8859_1).replace("<f4", "<i4");
        Files.write(ints, s.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(CossimException.class, () -> Corpus.open(List.of(ints), null, null));
        assertTrue(e.getMessage().startsWith(ints + ": tensor 'ints' has dtype I32"), e.getMessage());
    }

    @Test
    void positionsResolveFromTheEnd() {
        Path t = BatchFiles.npy(dir, "t.npy", DType.F32, new float[2 * 10 * 3], 2, 10, 3);
        try (Corpus c = Corpus.open(List.of(t), null, null)) {
            assertEquals(9, c.position(-1));
            assertEquals(8, c.position(8));
            CossimException e = assertThrows(CossimException.class, () -> c.position(10));
            assertTrue(e.getMessage().contains("out of range for 10 positions"), e.getMessage());
            e = assertThrows(CossimException.class, () -> c.position(null));
            assertTrue(e.getMessage().startsWith("position (none): "), e.getMessage()); // the CLI: "--position" (QueryCommandTest)
        }
    }

    @Test
    void npyWriterOutputIsReadBackPerTheFormat() throws Exception {
        float[] v = Synthetic.gaussian(3, 5, 1);
        Path p = BatchFiles.npy(dir, "w.npy", DType.F16, v, 3, 5);
        byte[] b = Files.readAllBytes(p);
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "data starts on a 64-byte boundary");
        assertEquals(10 + headerLen + 3 * 5 * 2, b.length);
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f2', 'fortran_order': False, 'shape': (3, 5), }"), header);
        try (NpyFile f = NpyFile.open(p)) {
            float[] back = new float[15];
            f.tensor().readFloats(0, back, 0, 15);
            assertArrayEquals(BatchFiles.roundToHalf(v), back);
        }
    }

    @Test
    void bfloat16AndFloat16BlocksReadAsTheirExactValues() throws Exception {
        // bfloat16 1.0, -2.0, 0.5, 3.0 are the high halves of the float32 bit patterns
        String json = "{\"v\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + json.length() + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length()).put(json.getBytes(StandardCharsets.US_ASCII));
        for (int bits : new int[]{0x3F80, 0xC000, 0x3F00, 0x4040}) {
            b.putShort((short) bits);
        }
        Path p = dir.resolve("bf.safetensors");
        Files.write(p, b.array());
        try (BatchFile f = BatchFile.open(p, null)) {
            float[] out = new float[4];
            f.read(0, 2, 0, out);
            assertArrayEquals(new float[]{1, -2, 0.5f, 3}, out);
        }
        float[] v = {1.5f, -0.25f, 65504f, 6.1035156e-5f, 1e-7f, 0f};
        Path h = BatchFiles.npy(dir, "h3.npy", DType.F16, v, 1, 3, 2);
        try (BatchFile f = BatchFile.open(h, null)) {
            float[] out = new float[2];
            f.read(0, 1, 1, out);
            assertArrayEquals(new float[]{65504f, 6.1035156e-5f}, out);
            f.read(0, 1, 2, out);
            assertArrayEquals(BatchFiles.roundToHalf(new float[]{1e-7f, 0f}), out);
        }
    }

    @Test
    void naturalOrder() {
        List<String> names = new java.util.ArrayList<>(List.of("b_10.npy", "b_9.npy", "a.npy", "b_010x.npy", "b_1.npy"));
        names.sort(Corpus::naturalCompare);
        assertEquals(List.of("a.npy", "b_1.npy", "b_9.npy", "b_10.npy", "b_010x.npy"), names);
    }
}
