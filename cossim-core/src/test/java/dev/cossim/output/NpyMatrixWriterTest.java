package dev.cossim.output;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.PairSet;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.source.NpyFile;
import dev.cossim.source.Tensor;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exported matrix checked byte by byte against the .npy format specification (numpy.lib.format, version 1.0). */
class NpyMatrixWriterTest {
    @TempDir
    Path dir;

    static final int N = 37, D = 9;

    @Test
    void writesTheFullSymmetricMatrixPerTheNpySpec() throws Exception {
        float[] m = Synthetic.gaussian(N, D, 13);
        Tensor t = Synthetic.tensor(m, N, D);
        RowMatrix rows = RowMatrix.of(t, Metric.COSINE.normalization());
        PairSet ps = PairSet.within(rows);
        Path file = dir.resolve("cos.npy");
        try (NpyMatrixWriter w = NpyMatrixWriter.create(file, N, N, NpyMatrixWriter.Precision.F32)) {
            ps.run(new AllPairsEngine(new VectorTileKernel(), 2, 8), () -> w.sink(ps, Metric.COSINE.selfValue()), ProgressListener.NONE);
            assertEquals(false, Files.exists(file), "nothing at the target before commit");
            w.commit();
        }
        byte[] bytes = Files.readAllBytes(file);
        // Magic string, then major version 1, minor 0.
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        // HEADER_LEN: little-endian unsigned short; magic + 2 + 2 + HEADER_LEN is divisible by 64 (numpy >= 1.14: 64).
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64);
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (37, 37), }", header.stripTrailing());
        assertTrue(header.endsWith("\n"), "header ends with a newline");
        assertTrue(header.substring(0, headerLen - 1).chars().skip(header.stripTrailing().length()).allMatch(c -> c == ' '));
        // Data: N*N little-endian float32, row-major, exactly filling the rest of the file.
        assertEquals(10 + headerLen + 4L * N * N, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLen, 4 * N * N).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                float v = data.getFloat(10 + headerLen + 4 * (i * N + j));
                double want = i == j ? 1.0 : MetricReference.value(m, D, Metric.COSINE, i, j);
                assertEquals(want, v, 2e-6, "(" + i + ", " + j + ")");
                if (i == j) {
                    assertEquals(1.0f, v, "exact self-similarity on the diagonal");
                }
            }
        }
        // The project's own reader (and so numpy.load) sees the same shape.
        try (NpyFile f = NpyFile.open(file)) {
            assertEquals(N, f.tensor().rows());
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void float16AndRectangularBlocks() throws Exception {
        float[] m = Synthetic.gaussian(N, D, 14);
        Tensor t = Synthetic.tensor(m, N, D);
        int[] a = IntStream.range(0, 10).toArray(), b = IntStream.range(10, N).toArray();
        PairSet ps = PairSet.cross(RowMatrix.of(t, Metric.EUCLIDEAN.normalization(), a), RowMatrix.of(t, Metric.EUCLIDEAN.normalization(), b));
        Path file = dir.resolve("sub/dist.npy");
        try (NpyMatrixWriter w = NpyMatrixWriter.create(file, a.length, b.length, NpyMatrixWriter.Precision.F16)) {
            ps.run(new AllPairsEngine(Metric.EUCLIDEAN.kernel(new VectorTileKernel()), 2, 4), () -> w.sink(ps, 0), ProgressListener.NONE);
            w.commit();
        }
        byte[] bytes = Files.readAllBytes(file);
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f2', 'fortran_order': False, 'shape': (10, 27), }", header.stripTrailing());
        assertEquals(10 + headerLen + 2L * a.length * b.length, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                float v = Float.float16ToFloat(data.getShort(10 + headerLen + 2 * (i * b.length + j)));
                double want = MetricReference.value(m, D, Metric.EUCLIDEAN, a[i], b[j]);
                assertEquals(want, v, Math.ulp((float) want) * 8192 / 2 + 1e-5, "(" + i + ", " + j + ")"); // half an f16 ulp
            }
        }
    }

    @Test
    void refusesWhenTheDiskIsTooSmallAndLeavesNothing() throws Exception {
        Path file = dir.resolve("huge.npy");
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.cossim.CossimException.class,
                () -> NpyMatrixWriter.create(file, 3_000_000, 3_000_000, NpyMatrixWriter.Precision.F32));
        assertTrue(e.getMessage().contains("not enough free disk space"), e.getMessage());
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }
}
