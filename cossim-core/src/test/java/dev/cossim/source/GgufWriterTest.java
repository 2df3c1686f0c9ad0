package dev.cossim.source;

import dev.cossim.ParameterException;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What GgufWriter writes reads back: F32 and F16 exactly, Q8_0 within half a quantisation step. */
class GgufWriterTest {
    @TempDir
    Path dir;

    static final int ROWS = 5, DIM = 64;

    private static Tensor matrix(float[] v) {
        return new Tensor("memory", "m", DType.F32, new long[]{ROWS, DIM}, MemorySegment.ofArray(TestFiles.f32(v)), ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void writesWhatTheReaderReads() {
        float[] v = Synthetic.gaussian(ROWS, DIM, 3);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("general.name", "w");
        meta.put("n", 7L);
        meta.put("big", -1L);
        meta.put("yes", true);
        meta.put("tokenizer.ggml.tokens", new String[]{"a", "▁b", "c", "d", "e"});
        for (DType t : new DType[]{DType.F32, DType.F16, DType.Q8_0}) {
            Path p = dir.resolve(t + ".gguf");
            GgufWriter.write(p, "token_embd.weight", matrix(v), t, meta);
            try (GgufFile g = GgufFile.open(p)) {
                assertEquals("w", g.string("general.name").orElseThrow());
                assertEquals(7L, g.metadata().get("n"));
                assertEquals(-1L, g.metadata().get("big"));
                assertEquals(true, g.metadata().get("yes"));
                assertEquals(" b", g.vocabulary().token(1));
                Tensor r = g.tensor("token_embd.weight");
                assertEquals(t, r.dtype());
                assertArrayEquals(new long[]{ROWS, DIM}, r.shape());
                float[] back = new float[ROWS * DIM];
                r.readFloats(0, back, 0, back.length);
                for (int b = 0; b < ROWS * DIM / 32; b++) {
                    double amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(v[32 * b + j]));
                    }
                    double step = amax / 127; // a Q8_0 block's scale
                    for (int j = 0; j < 32; j++) {
                        int i = 32 * b + j;
                        double want = switch (t) {
                            case F32 -> v[i];
                            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v[i]));
                            default -> Double.NaN;
                        };
                        if (t == DType.Q8_0) {
                            // Half a step of rounding, plus the float16 rounding of the scale (2^-11 of it) times |q| <= 127.
                            double bound = step / 2 + 127 * step * 0x1p-11 + 1e-7;
                            assertTrue(Math.abs(back[i] - v[i]) <= bound, i + ": " + back[i] + " vs " + v[i]);
                        } else {
                            assertEquals(want, back[i], 0.0, t + " element " + i);
                        }
                    }
                }
            }
        }
    }

    /** ggml's reference Q8_0 of a block whose largest value is exactly 127 steps of 1/2: every quant exact. */
    @Test
    void q8_0OfAnExactBlock() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (j % 2 == 0 ? 1 : -1) * (j * 4) / 2f; // multiples of 1/2
        }
        x[31] = 127 / 2f; // amax: d = 0.5 exactly, so q = 2x
        ByteBuffer b = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        GgufWriter.quantizeQ8_0(x, b);
        assertEquals(Float.floatToFloat16(0.5f), b.getShort(0));
        for (int j = 0; j < 32; j++) {
            assertEquals((int) (2 * x[j]), b.get(2 + j), "quant " + j);
        }
    }

    @Test
    void refusesRowsThatAreNotWholeBlocks() {
        Tensor odd = new Tensor("memory", "m", DType.F32, new long[]{2, 3}, MemorySegment.ofArray(new byte[24]), ByteOrder.LITTLE_ENDIAN);
        ParameterException e = assertThrows(ParameterException.class,
                () -> GgufWriter.write(dir.resolve("x.gguf"), "t", odd, DType.Q8_0, Map.of()));
        assertEquals("type Q8_0: needs rows of a multiple of 32 values, not 3", e.getMessage());
    }
}
