package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.query.BatchFile;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TorchFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** .npz archives written byte by byte (zip members holding .npy files, stored and deflated), and ONNX directories. */
class NpzFileTest {
    @TempDir
    Path dir;

    private byte[] npy(String dict, byte[] data) throws Exception {
        Path p = TestFiles.npy(dir.resolve("member.tmp"), 1, dict, data);
        byte[] b = Files.readAllBytes(p);
        Files.delete(p);
        return b;
    }

    @Test
    void storedMembersAreMappedAndDeflatedOnesInflated() throws Exception {
        byte[] emb = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", TestFiles.f32(1, 2, 3, 4, 5, -6));
        byte[] half = npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", TestFiles.f16(0.5f, -1024f));
        Path p = new TorchFiles.Zip().stored("emb.npy", emb).deflated("half.npy", half).write(dir.resolve("a.npz"));
        try (NpzFile f = NpzFile.open(p)) {
            assertEquals(List.of("emb <f4 [3, 2]", "half <f2 [2]"), f.tensors().stream().map(TensorInfo::toString).toList());
            Tensor e = f.tensor("emb");
            assertTrue(e.data().isMapped());
            assertArrayEquals(new double[]{5, -6}, e.rowAsDoubles(2));
            Tensor h = f.tensor("half");
            assertFalse(h.data().isMapped());
            assertEquals(0.5, h.getDouble(0));
            assertEquals(-1024, h.getDouble(1));
        }
        try (EmbeddingModel m = ModelLoader.open(p.toString(), null, null)) {
            assertEquals("emb", m.matrix().name()); // the only 2-D floating array
        }
        try (BatchFile b = BatchFile.open(p, "emb")) {
            float[] row = new float[2];
            b.read(1, 1, 0, row);
            assertArrayEquals(new float[]{3, 4}, row);
        }
        // By its zip magic under another name: no data.pkl, so a .npz.
        Path other = TestFiles.write(dir.resolve("arrays.zip"), Files.readAllBytes(p));
        try (TensorFile f = ModelLoader.openFile(other)) {
            assertEquals(2, f.tensors().size());
        }
    }

    private String error(Path p) {
        CossimException e = assertThrows(CossimException.class, () -> {
            try (TensorFile f = ModelLoader.openFile(p)) {
                f.tensors().forEach(t -> f.tensor(t.name()));
            }
        });
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** Offset of the first central-directory header (the zip written by TorchFiles.Zip has its end record last). */
    private static int centralDirectory(byte[] zip) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 6);
    }

    @Test
    void deflatedMembersWithFalseSizesAreRefusedBeforeInflating() throws Exception {
        byte[] emb = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (64,), }", new byte[256]);
        byte[] zip = new TorchFiles.Zip().deflated("emb.npy", emb).bytes();
        int cd = centralDirectory(zip);
        // Uncompressed size (central header +24): 4 GB from a few dozen bytes is more than deflate can produce.
        byte[] huge = zip.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(cd + 24, 0xf0000000);
        assertTrue(error(TestFiles.write(dir.resolve("huge.npz"), huge)).contains("over the 1073741824 cossim inflates in memory"));
        byte[] ratio = zip.clone();
        ByteBuffer.wrap(ratio).order(ByteOrder.LITTLE_ENDIAN).putInt(cd + 24, 50_000_000);
        assertTrue(error(TestFiles.write(dir.resolve("ratio.npz"), ratio)).contains("more than deflate can produce"));
        byte[] small = zip.clone();
        ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).putInt(cd + 24, emb.length - 1);
        assertTrue(error(TestFiles.write(dir.resolve("small.npz"), small)).contains("does not inflate to its declared"));
        byte[] crc = zip.clone();
        crc[cd + 16] ^= 1;
        assertTrue(error(TestFiles.write(dir.resolve("crc.npz"), crc)).contains("with its CRC"));
        // Member data running past the central directory: truncated.
        byte[] past = zip.clone();
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putInt(cd + 20, cd + 1);
        assertTrue(error(TestFiles.write(dir.resolve("past.npz"), past)).contains("lies outside the archive"));
        Path none = new TorchFiles.Zip().stored("readme.txt", "hi".getBytes()).write(dir.resolve("none.npz"));
        assertTrue(error(none).contains("without .npy members"));
    }

    @Test
    void modelDirectoriesWithOnnxModels() throws Exception {
        byte[] onnx = OnnxFileTest.model(OnnxFileTest.tensor("embeddings.word_embeddings.weight", new long[]{2, 2}, 1,
                TestFiles.f32(1, 0, 0, 1), null));
        TestFiles.write(dir.resolve("a/model.onnx"), onnx);
        TestFiles.write(dir.resolve("b/onnx/model.onnx"), onnx);
        for (String d : List.of("a", "b")) {
            try (EmbeddingModel m = ModelLoader.open(dir.resolve(d).toString(), null, null)) {
                assertEquals("embeddings.word_embeddings.weight", m.matrix().name());
                assertArrayEquals(new double[]{0, 1}, m.matrix().rowAsDoubles(1));
            }
        }
    }
}
