package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX models written field by field from onnx.proto (ModelProto 7 -> GraphProto 5 -> TensorProto). */
class OnnxFileTest {
    @TempDir
    Path dir;

    static byte[] tensor(String name, long[] dims, int dataType, byte[] raw, float[] floats) throws IOException {
        return TestFiles.onnxTensor(name, dims, dataType, raw, floats);
    }

    static byte[] model(byte[]... initializers) throws IOException {
        return TestFiles.onnxModel(initializers);
    }

    @Test
    void readsInitializersFromRawAndFloatData() throws IOException {
        byte[] bytes = model(
                tensor("bias", new long[]{3}, 1, TestFiles.f32(1, 2, 3), null),
                tensor("emb.word_embeddings.weight", new long[]{2, 3}, 1, TestFiles.f32(1, 0, 0, 0.5f, 0.5f, 0), null),
                tensor("half", new long[]{1, 2}, 10, TestFiles.f16(0.5f, -3), null),
                tensor("packed", new long[]{2, 1}, 1, null, new float[]{7, 9}));
        Path p = TestFiles.write(dir.resolve("m.onnx"), bytes);
        try (OnnxFile f = OnnxFile.open(p)) {
            assertEquals(4, f.tensors().size());
            assertEquals("F16", f.tensors().get(2).dtype());
            assertEquals("emb.word_embeddings.weight", ModelLoader.findEmbeddingTensor(f));
            Tensor e = f.tensor("emb.word_embeddings.weight").requireMatrix();
            float[] row = new float[3];
            e.readFloats(3, row, 0, 3);
            assertArrayEquals(new float[]{0.5f, 0.5f, 0}, row);
            float[] h = new float[2];
            f.tensor("half").readFloats(0, h, 0, 2);
            assertArrayEquals(new float[]{0.5f, -3}, h);
            float[] pk = new float[2];
            f.tensor("packed").readFloats(0, pk, 0, 2);
            assertArrayEquals(new float[]{7, 9}, pk);
        }
        // The same bytes through the streaming path used for the jar resource.
        OnnxFile s = OnnxFile.fromStreams("mem", () -> new java.io.ByteArrayInputStream(bytes));
        assertEquals(2, s.tensor("emb.word_embeddings.weight").rows());
    }

    @Test
    void rejectsCorruptProtobufAndMissingTensors() throws IOException {
        byte[] good = model(tensor("w", new long[]{2, 2}, 1, TestFiles.f32(1, 2, 3, 4), null));
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 5);
        Path p = TestFiles.write(dir.resolve("cut.onnx"), cut);
        try (OnnxFile f = OnnxFile.open(p)) {
            CossimException e = assertThrows(CossimException.class, f::tensors);
            assertTrue(e.getMessage().startsWith(p + ": not a valid ONNX model"), e.getMessage());
        }
        Path ok = TestFiles.write(dir.resolve("ok.onnx"), good);
        try (OnnxFile f = OnnxFile.open(ok)) {
            assertTrue(assertThrows(CossimException.class, () -> f.tensor("x")).getMessage().contains("no initializer named 'x'"));
        }
    }
}
