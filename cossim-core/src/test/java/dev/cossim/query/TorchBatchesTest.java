package dev.cossim.query;

import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TorchFiles;
import dev.cossim.testing.TorchFiles.Pickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A directory of 2-D torch.save and .npz batches (written byte by byte) read as one corpus, labels beside them. */
class TorchBatchesTest {
    @TempDir
    Path dir;

    @Test
    void directoryOfPtAndNpzBatches() throws Exception {
        Path c = dir.resolve("c");
        // batch_2.pt: a bare [3, 2] tensor; batch_10.npz: one [2, 2] array (natural order puts 2 before 10).
        byte[] pkl = new Pickle().tensor("FloatStorage", "0", 6, 0, new long[]{3, 2}, new long[]{2, 1}).stop();
        TorchFiles.archive("batch_2", pkl, Map.of("0", TestFiles.f32(1, 2, 3, 4, 5, 6))).write(c.resolve("batch_2.pt"));
        Files.writeString(c.resolve("batch_2.txt"), "one\ntwo\nthree\n");
        Path npy = TestFiles.npy(dir.resolve("x.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                TestFiles.f32(7, 8, 9, 10));
        new TorchFiles.Zip().deflated("x.npy", Files.readAllBytes(npy)).write(c.resolve("batch_10.npz"));
        TestFiles.write(c.resolve("weights.bin"), "a .bin is a batch only when named");
        try (Corpus corpus = Corpus.open(List.of(c), null, null)) {
            assertEquals(List.of("batch_2.pt", "batch_10.npz"),
                    corpus.batches().stream().map(b -> b.data().path().getFileName().toString()).toList());
            assertEquals(5, corpus.rows());
            assertEquals(2, corpus.dim());
            assertEquals("three", corpus.label(2));
            assertEquals("batch_10.npz:1", corpus.label(4));
            int p = corpus.position(-1);
            assertArrayEquals(new double[]{3, 4}, corpus.vector(1, p));
            assertArrayEquals(new double[]{9, 10}, corpus.vector(4, p));
            assertEquals(2, corpus.find("three"));
        }
    }
}
