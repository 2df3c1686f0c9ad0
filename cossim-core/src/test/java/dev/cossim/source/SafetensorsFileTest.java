package dev.cossim.source;

import dev.cossim.CossimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static dev.cossim.testing.TestFiles.bf16;
import static dev.cossim.testing.TestFiles.f16;
import static dev.cossim.testing.TestFiles.f32;
import static dev.cossim.testing.TestFiles.safetensors;
import static dev.cossim.testing.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void readsF32F16AndBf16Tensors() {
        byte[] a = f32(1, 2, 3, 4, 5, 6);          // [2, 3] at [0, 24)
        byte[] b = f16(0.5f, -1.5f, 2.25f, 1024f);  // [2, 2] at [24, 32)
        byte[] c = bf16(1f, -2f, 0.75f, 3f);        // [4, 1] at [32, 40)
        Path p = safetensors(dir.resolve("m.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                        + "\"b\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[24,32]},"
                        + "\"c\":{\"dtype\":\"BF16\",\"shape\":[4,1],\"data_offsets\":[32,40]}}",
                concat(a, b, c));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(3, f.tensors().size());
            Tensor ta = f.tensor("a").requireMatrix();
            assertArrayEquals(new long[]{2, 3}, ta.shape());
            float[] row = new float[3];
            ta.readFloats(3, row, 0, 3);
            assertArrayEquals(new float[]{4, 5, 6}, row);
            float[] fb = new float[4];
            f.tensor("b").readFloats(0, fb, 0, 4);
            assertArrayEquals(new float[]{0.5f, -1.5f, 2.25f, 1024f}, fb);
            float[] fc = new float[4];
            f.tensor("c").readFloats(0, fc, 0, 4);
            assertArrayEquals(new float[]{1f, -2f, 0.75f, 3f}, fc);
            assertEquals(-2.0, f.tensor("c").getDouble(1));
        }
    }

    @Test
    void findsTheEmbeddingTensorByItsUsualName() {
        Path p = safetensors(dir.resolve("model.safetensors"),
                "{\"transformer.h.0.ln.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"transformer.wte.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]},"
                        + "\"lm_head.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[24,40]}}",
                f32(1, 1, 1, 0, 0, 1, 3, 3, 3, 3));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals("transformer.wte.weight", ModelLoader.findEmbeddingTensor(f));
        }
    }

    private String error(String header, byte[] data) {
        Path p = safetensors(dir.resolve("bad.safetensors"), header, data);
        CossimException e = assertThrows(CossimException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,32]}}|out of range",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,4]}}|out of range",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}|but its shape and dtype need 16",
            "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2,2],\"data_offsets\":[0,16]}}|unknown dtype 'Q4'",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-2],\"data_offsets\":[0,16]}}|invalid dimension",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[4,12]}}|overlapping",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2]}}|no data_offsets",
            "{\"a\": [1, 2]|not valid JSON",
            "[1, 2]|not a JSON object",
    })
    void rejectsCorruptHeaders(String header, String expected) {
        String msg = error(header, f32(1, 2, 3, 4));
        assertTrue(msg.contains(expected), msg);
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() {
        byte[] bytes = new byte[16];
        bytes[0] = (byte) 0xff; // header length 255 in an 16-byte file
        Path p = write(dir.resolve("short.safetensors"), bytes);
        CossimException e = assertThrows(CossimException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("runs beyond the end of the file"), e.getMessage());
        Path tiny = write(dir.resolve("tiny.safetensors"), new byte[]{1, 2, 3});
        assertTrue(assertThrows(CossimException.class, () -> SafetensorsFile.open(tiny)).getMessage().contains("truncated"));
    }

    @Test
    void rejectsTensorsThatAreNotMatrices() {
        Path p = safetensors(dir.resolve("v.safetensors"),
                "{\"v\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"i\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[16,32]}}", new byte[32]);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertTrue(assertThrows(CossimException.class, () -> f.tensor("v").requireMatrix()).getMessage().contains("expected a 2-D matrix"));
            assertTrue(assertThrows(CossimException.class, () -> f.tensor("i").requireMatrix()).getMessage().contains("dtype I32"));
            assertTrue(assertThrows(CossimException.class, () -> f.tensor("nope")).getMessage().contains("no tensor named 'nope'"));
        }
    }
}
