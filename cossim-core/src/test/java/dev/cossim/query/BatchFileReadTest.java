package dev.cossim.query;

import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Long runs of a batch are read with positional reads, short ones through the mapping: both give every value as the
 * file holds it (float32, float16 and bfloat16, little- and big-endian .npy, safetensors at an offset in its file),
 * for blocks that start and end anywhere, from several threads at once.
 */
class BatchFileReadTest {
    static final int ROWS = 301, DIM = 37;

    @TempDir
    Path dir;

    private static float[] values() {
        float[] m = Synthetic.gaussian(ROWS, DIM, 3);
        for (int i = 0; i < m.length; i++) {
            m[i] = Float.intBitsToFloat(Float.floatToRawIntBits(m[i]) & 0xffff0000); // exact in bfloat16 too
            m[i] = Float.float16ToFloat(Float.floatToFloat16(m[i])); // and in float16
        }
        return m;
    }

    private static byte[] bigEndianF16(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.BIG_ENDIAN);
        for (float x : v) {
            b.putShort(Float.floatToFloat16(x));
        }
        return b.array();
    }

    @Test
    void everyDtypeAndLayoutReadsAsTheFileHoldsIt() throws Exception {
        float[] m = values();
        String shape = "'shape': (" + ROWS + ", " + DIM + "), }";
        Path[] files = {
                TestFiles.npy(dir.resolve("f32.npy"), 1, "{'descr': '<f4', 'fortran_order': False, " + shape, TestFiles.f32(m)),
                TestFiles.npy(dir.resolve("f16.npy"), 1, "{'descr': '<f2', 'fortran_order': False, " + shape, TestFiles.f16(m)),
                TestFiles.npy(dir.resolve("f16be.npy"), 1, "{'descr': '>f2', 'fortran_order': False, " + shape, bigEndianF16(m)),
                TestFiles.safetensors(dir.resolve("bf16.safetensors"), "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                        + "\"x\":{\"dtype\":\"BF16\",\"shape\":[" + ROWS + "," + DIM + "],\"data_offsets\":[12," + (12 + 2 * ROWS * DIM) + "]}}",
                        concat(TestFiles.f32(7, 8, 9), TestFiles.bf16(m))),
        };
        for (Path f : files) {
            try (BatchFile b = BatchFile.open(f, f.toString().endsWith(".safetensors") ? "x" : null)) {
                // Blocks of 1 row (mapping), 120 and 301 rows (positional reads), at odd starts.
                for (int[] block : new int[][]{{0, 1}, {5, 120}, {0, ROWS}, {181, 120}, {300, 1}}) {
                    float[] got = new float[block[1] * DIM + 3];
                    b.read(block[0], block[1], 0, got, 3);
                    for (int i = 0; i < block[1] * DIM; i++) {
                        assertEquals(m[block[0] * DIM + i], got[3 + i], 0, f.getFileName() + " block at " + block[0] + " value " + i);
                    }
                }
                // One row at a time, as a search's winners are rescored: a positional read of any length.
                for (int r : new int[]{0, 1, 150, ROWS - 1}) {
                    double[] row = b.rowAsDoubles(r, 0);
                    for (int i = 0; i < DIM; i++) {
                        assertEquals(m[r * DIM + i], row[i], 0, f.getFileName() + " row " + r + " value " + i);
                    }
                }
                // Several threads reading at once (each has its own buffer; the file channel is shared).
                Thread[] ts = new Thread[4];
                Throwable[] err = new Throwable[1];
                for (int t = 0; t < ts.length; t++) {
                    int r0 = 40 * t;
                    ts[t] = new Thread(() -> {
                        try {
                            for (int rep = 0; rep < 50; rep++) {
                                float[] got = new float[150 * DIM];
                                b.read(r0, 150, 0, got, 0);
                                for (int i = 0; i < got.length; i++) {
                                    assertEquals(m[r0 * DIM + i], got[i], 0);
                                }
                            }
                        } catch (Throwable e) {
                            err[0] = e;
                        }
                    });
                    ts[t].start();
                }
                for (Thread t : ts) {
                    t.join();
                }
                if (err[0] != null) {
                    throw new AssertionError(f.getFileName() + " from several threads", err[0]);
                }
            }
        }
    }

    @Test
    void oneRowAtAPositionOfA3DBatch() throws Exception {
        float[] m = values(); // read as 7 rows x 43 positions x 37 (301 = 7 x 43)
        int rows = 7, positions = 43;
        Path f = TestFiles.npy(dir.resolve("b3.npy"), 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (" + rows + ", "
                + positions + ", " + DIM + "), }", TestFiles.f16(m));
        try (BatchFile b = BatchFile.open(f, null)) {
            for (int r = 0; r < rows; r++) {
                for (int p : new int[]{0, 17, positions - 1}) {
                    double[] row = b.rowAsDoubles(r, p);
                    for (int i = 0; i < DIM; i++) {
                        assertEquals(m[(r * positions + p) * DIM + i], row[i], 0, "row " + r + " position " + p + " value " + i);
                    }
                }
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
