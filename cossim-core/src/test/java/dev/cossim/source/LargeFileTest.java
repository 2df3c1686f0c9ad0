package dev.cossim.source;

import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files over 2 GB: a safetensors file whose embedding tensor starts past byte 2^31, written sparse (the file system
 * stores only the pages written), so the test is fast and small on disk but exercises 64-bit offsets end to end.
 */
class LargeFileTest {
    @Test
    void tensorPastTwoGigabytesReadsCorrectly(@TempDir Path dir) throws IOException {
        long pad = (1L << 31) + 64; // a U8 tensor filling the first 2 GB + 64 bytes of the data buffer
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + pad + "],\"data_offsets\":[0," + pad + "]},"
                + "\"wte\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[" + pad + "," + (pad + 24) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("big.safetensors");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length));
            ch.write(ByteBuffer.wrap(h));
            ch.write(ByteBuffer.wrap(TestFiles.f32(3, 0, 4, 0, -2, 0)), 8 + h.length + pad);
        }
        try (EmbeddingModel m = ModelLoader.open(p.toString(), null, null)) {
            assertEquals("wte", m.matrix().name());
            RowMatrix rows = RowMatrix.of(m.matrix(), Normalization.UNIT);
            assertArrayEquals(new float[]{0.6f, 0, 0.8f, 0, -1, 0}, rows.data(), 1e-7f);
        }
    }
}
