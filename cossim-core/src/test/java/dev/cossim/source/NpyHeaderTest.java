package dev.cossim.source;

import dev.cossim.CossimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.cossim.testing.TestFiles.f32;
import static dev.cossim.testing.TestFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one .npy header parser and formatter, against numpy.lib.format and the fuzzer's malformed shapes. */
class NpyHeaderTest {
    @TempDir
    Path dir;

    @Test
    void formatsAsNumpyDoes() {
        assertEquals("()", NpyHeader.shapeRepr());
        assertEquals("(3,)", NpyHeader.shapeRepr(3));
        assertEquals("(2, 3)", NpyHeader.shapeRepr(2, 3));
        assertEquals("(2, 0, 4)", NpyHeader.shapeRepr(2, 0, 4));
        byte[] h = NpyHeader.format(DType.F32, 37, 37);
        assertEquals(0, h.length % 64);
        assertEquals((byte) 0x93, h[0]);
        assertEquals("NUMPY", new String(h, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, h[6]);
        assertEquals(0, h[7]);
        int len = (h[8] & 0xff) | (h[9] & 0xff) << 8;
        assertEquals(h.length - 10, len);
        String dict = new String(h, 10, len, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (37, 37), }", dict.stripTrailing());
        assertTrue(dict.endsWith(" \n") || dict.endsWith("}\n"));
        byte[] one = NpyHeader.format("<f2", 5);
        assertEquals("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }",
                new String(one, 10, one.length - 10, StandardCharsets.US_ASCII).stripTrailing());
    }

    @Test
    void roundTripsEveryRank() {
        long[][] shapes = {{}, {7}, {2, 3}, {2, 3, 4}, {0, 5}, {1, 1, 1, 1, 1}};
        for (long[] shape : shapes) {
            byte[] h = NpyHeader.format(DType.F16, shape);
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            byte[] file = new byte[h.length + (int) n * 2];
            System.arraycopy(h, 0, file, 0, h.length);
            NpyHeader p = NpyHeader.parse("x.npy", MemorySegment.ofArray(file));
            assertArrayEquals(shape, p.shape());
            assertEquals(DType.F16, p.dtype());
            assertEquals("<f2", p.descr());
            assertEquals(ByteOrder.LITTLE_ENDIAN, p.order());
            assertEquals(h.length, p.dataOffset());
            assertEquals(n * 2, p.dataBytes());
            assertEquals(1, p.major());
        }
    }

    @Test
    void writesVersion2WhenTheDictOutgrowsTwoBytes() {
        long[] shape = new long[7000]; // "1, " each: a dict of about 21,000 characters, version 1
        java.util.Arrays.fill(shape, 1);
        long[] big = new long[25_000]; // about 75,000: version 2
        java.util.Arrays.fill(big, 1);
        assertEquals(1, NpyHeader.format(DType.F32, shape)[6]);
        byte[] h = NpyHeader.format(DType.F32, big);
        assertEquals(2, h[6]);
        assertEquals(0, h.length % 64);
        byte[] file = java.util.Arrays.copyOf(h, h.length + 4);
        NpyHeader p = NpyHeader.parse("v2.npy", MemorySegment.ofArray(file));
        assertEquals(25_000, p.shape().length);
        assertEquals(h.length, p.dataOffset());
    }

    /** The fuzzer's crashes (shared/repro/fuzz: batch-01..03, npy-01) and their neighbours, each a one-line error naming the file. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "(,)|empty dimension",
            "(, )|empty dimension",
            "( , , )|empty dimension",
            "(1,,2)|empty dimension",
            "(,5)|empty dimension",
            "(-0, 9223372036854775807, 4)|too large to address",
            "(0, 2305843009213693952)|too large to address",
            "(4611686018427387904, 4)|too large to address",
            "(3037000500, 3037000500)|too large to address",
            "(99999999999999999999, 1)|bad dimension '99999999999999999999'",
            "(2, -1)|negative dimension -1",
            "(2L, 2x)|bad dimension '2x'",
    })
    void rejectsMalformedShapes(String shape, String expected) {
        Path p = npy(dir.resolve("bad.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", f32(1, 2, 3, 4));
        CossimException e = assertThrows(CossimException.class, () -> NpyFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "()|''",
            "(4,)|4",
            "(4)|4",
            "(2, 2,)|2 2",
            "(2L, 2L)|2 2",
            "( 1 , 4 )|1 4",
            "(0, 2305843009213693951)|0 2305843009213693951",
    })
    void acceptsWellFormedShapes(String shape, String dims) {
        long[] want = dims.isBlank() ? new long[0] : java.util.Arrays.stream(dims.split(" ")).mapToLong(Long::parseLong).toArray();
        byte[] data = want.length == 0 ? f32(1) : want[0] == 0 ? new byte[0] : f32(1, 2, 3, 4);
        Path p = npy(dir.resolve("ok.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", data);
        try (NpyFile f = NpyFile.open(p)) {
            assertArrayEquals(want, f.tensor().shape());
        }
    }

    /** The fuzzer's files themselves (copied from shared/repro/fuzz): a clear error, through both readers. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "batch-01.npy|.npy shape (0, 9223372036854775807, 4) too large to address",
            "batch-02.npy|.npy shape (,) has an empty dimension",
            "batch-03.npy|.npy shape (,) has an empty dimension",
            "npy-01.npy|.npy shape (,) has an empty dimension",
    })
    void fuzzReproducersFailCleanly(String name, String expected) throws Exception {
        Path p = dir.resolve(name);
        try (var in = getClass().getResourceAsStream("/fuzz/" + name)) {
            java.nio.file.Files.copy(in, p);
        }
        for (org.junit.jupiter.api.function.Executable open : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                () -> NpyFile.open(p).close(), () -> dev.cossim.query.BatchFile.open(p, null).close())) {
            CossimException e = assertThrows(CossimException.class, open);
            assertEquals(p + ": " + expected, e.getMessage());
        }
    }

    @Test
    void controlCharactersInABadHeaderStayOnOneLine() {
        Path p = npy(dir.resolve("c.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,\n\r x), }", f32(1, 2, 3, 4));
        CossimException e = assertThrows(CossimException.class, () -> NpyFile.open(p));
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
}
