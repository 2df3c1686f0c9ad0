package dev.cossim.source;

import dev.cossim.CossimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteOrder;
import java.nio.file.Path;

import static dev.cossim.testing.TestFiles.f16;
import static dev.cossim.testing.TestFiles.f32;
import static dev.cossim.testing.TestFiles.f64;
import static dev.cossim.testing.TestFiles.npy;
import static dev.cossim.testing.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyFileTest {
    @TempDir
    Path dir;

    private static float[] read(Tensor t) {
        float[] out = new float[(int) (t.rows() * t.rowLength())];
        t.readFloats(0, out, 0, out.length);
        return out;
    }

    @Test
    void readsFloat32Float16AndFloat64InBothByteOrdersAndVersions() {
        Path a = npy(dir.resolve("a.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32(1, 2, 3, 4, 5, 6));
        Path b = npy(dir.resolve("b.npy"), 2, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", f16(0.5f, 1, -2, 4));
        Path c = npy(dir.resolve("c.npy"), 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 2), }", f64(ByteOrder.BIG_ENDIAN, 0.25, -8));
        Path d = npy(dir.resolve("d.npy"), 3, "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 1)}", f64(ByteOrder.LITTLE_ENDIAN, 3, 7));
        try (NpyFile fa = NpyFile.open(a); NpyFile fb = NpyFile.open(b); NpyFile fc = NpyFile.open(c); NpyFile fd = NpyFile.open(d)) {
            assertArrayEquals(new long[]{2, 3}, fa.tensor().shape());
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, read(fa.tensor().requireMatrix()));
            assertEquals(DType.F16, fb.tensor().dtype());
            assertArrayEquals(new float[]{0.5f, 1, -2, 4}, read(fb.tensor()));
            assertArrayEquals(new float[]{0.25f, -8}, read(fc.tensor()));
            assertArrayEquals(new float[]{3, 7}, read(fd.tensor()));
            assertEquals("a", fa.tensors().getFirst().name());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }|Fortran order",
            "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }|unsupported .npy dtype '<c8'",
            "{'descr': '<f4', 'shape': (2, 2), }|lacks descr, fortran_order or shape",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }|bad dimension 'x'",
            "not a dict|not a dict",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }|truncated .npy file",
    })
    void rejectsBadHeaders(String dict, String expected) {
        Path p = npy(dir.resolve("bad.npy"), 1, dict, f32(1, 2, 3, 4));
        CossimException e = assertThrows(CossimException.class, () -> NpyFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void rejectsBadMagicAndTruncatedHeaders() {
        Path magic = write(dir.resolve("m.npy"), "NOTNUMPYxxxxxxxx");
        assertTrue(assertThrows(CossimException.class, () -> NpyFile.open(magic)).getMessage().contains("bad magic"));
        byte[] cut = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 200, 0, '{'};
        Path truncated = write(dir.resolve("t.npy"), cut);
        assertTrue(assertThrows(CossimException.class, () -> NpyFile.open(truncated)).getMessage().contains("runs beyond the end"));
        Path version = write(dir.resolve("v.npy"), new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0, 0, 0});
        assertTrue(assertThrows(CossimException.class, () -> NpyFile.open(version)).getMessage().contains("version 9"));
    }

    @Test
    void threeDimensionalArraysAreNotMatrices() {
        Path p = npy(dir.resolve("x.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }", f32(1, 2, 3, 4));
        try (NpyFile f = NpyFile.open(p)) {
            CossimException e = assertThrows(CossimException.class, () -> f.tensor().requireMatrix());
            assertTrue(e.getMessage().contains("[1, 2, 2], expected a 2-D matrix"), e.getMessage());
        }
    }
}
