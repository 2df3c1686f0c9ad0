package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TorchFiles;
import dev.cossim.testing.TorchFiles.Pickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** torch.save files written byte by byte (zip + pickle protocol 2, as PyTorch writes them), read back value by value. */
class PyTorchFileTest {
    @TempDir
    Path dir;

    static float[] range(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 3f) * scale;
        }
        return v;
    }

    static double[] values(Tensor t) {
        double[] out = new double[(int) Tensor.elementCount(t.shape())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getDouble(i);
        }
        return out;
    }

    static Map<String, byte[]> records(Object... kv) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (byte[]) kv[i + 1]);
        }
        return m;
    }

    @Test
    void bareTensorIsNamedByTheFileAndMapped() {
        float[] v = range(6, 0.5f);
        byte[] pkl = new Pickle().tensor("FloatStorage", "0", 6, 0, new long[]{2, 3}, new long[]{3, 1}).stop();
        Path p = TorchFiles.archive("emb", pkl, records("0", TestFiles.f32(v))).write(dir.resolve("emb.pt"));
        try (PyTorchFile f = PyTorchFile.open(p)) {
            assertEquals(List.of("emb"), f.tensors().stream().map(TensorInfo::name).toList());
            Tensor t = f.tensor("emb");
            assertEquals(DType.F32, t.dtype());
            assertArrayEquals(new long[]{2, 3}, t.shape());
            assertTrue(t.data().isMapped(), "a contiguous tensor is a slice of the mapping");
            for (int i = 0; i < 6; i++) {
                assertEquals(v[i], t.getDouble(i));
            }
        }
    }

    /** A state dict of float16, bfloat16 and float64 tensors, with a nested dict and list inside. */
    @Test
    void stateDictOfEveryFloatTypeAndNestedContainers() {
        float[] h = {1.5f, -2.25f, 65504f, 0.0009765625f, -0f, 3f};
        float[] bf = {1f, -3.5f, 1e30f, 2f};
        double[] d = {Math.PI, -1e-300, 1e300, 0.1};
        Pickle p = new Pickle().orderedDict();
        p.str("embeddings.word_embeddings.weight").tensor("HalfStorage", "0", 6, 0, new long[]{3, 2}, new long[]{2, 1});
        p.str("norm").tensor("BFloat16Storage", "1", 4, 0, new long[]{4}, new long[]{1});
        p.str("enc").dict().str("layer").op(']').put().mark();
        p.tensor("DoubleStorage", "2", 4, 0, new long[]{2, 2}, new long[]{2, 1});
        p.tensor("DoubleStorage", "2", 4, 2, new long[]{2}, new long[]{1}); // a second view of the same storage
        p.op('e').setItems().setItems();
        Path f = TorchFiles.archive("archive", p.stop(), records("0", TestFiles.f16(h), "1", TestFiles.bf16(bf),
                "2", TestFiles.f64(ByteOrder.LITTLE_ENDIAN, d))).write(dir.resolve("sd.pth"));
        try (PyTorchFile t = PyTorchFile.open(f)) {
            assertEquals(List.of("embeddings.word_embeddings.weight F16 [3, 2]", "norm BF16 [4]", "enc.layer.0 F64 [2, 2]",
                    "enc.layer.1 F64 [2]"), t.tensors().stream().map(TensorInfo::toString).toList());
            double[] hd = new double[h.length];
            for (int i = 0; i < h.length; i++) {
                hd[i] = h[i];
            }
            assertArrayEquals(hd, values(t.tensor("embeddings.word_embeddings.weight")));
            assertArrayEquals(new double[]{1, -3.5, Float.intBitsToFloat(Float.floatToRawIntBits(1e30f) & 0xffff0000), 2},
                    values(t.tensor("norm")));
            assertArrayEquals(d, values(t.tensor("enc.layer.0")));
            assertArrayEquals(new double[]{1e300, 0.1}, values(t.tensor("enc.layer.1")));
        }
        try (EmbeddingModel m = ModelLoader.open(f.toString(), null, null)) {
            assertEquals("embeddings.word_embeddings.weight", m.matrix().name());
            assertEquals(3, m.rows());
        }
    }

    /** A view with a storage offset and strides that are not row-major (a transposed slice), gathered by hand. */
    @Test
    void nonContiguousViewWithOffsetAndStrides() {
        float[] s = range(24, 0.25f);
        // x = storage[3:].as_strided((3, 4), (1, 5)): element (i, j) is storage[3 + i + 5 j].
        byte[] pkl = new Pickle().dict().str("x").tensor("FloatStorage", "7", 24, 3, new long[]{3, 4}, new long[]{1, 5})
                .str("y").tensor("FloatStorage", "7", 24, 20, new long[]{2, 1, 2}, new long[]{2, 9, 1}).setItems().stop();
        Path p = TorchFiles.archive("a", pkl, records("7", TestFiles.f32(s))).write(dir.resolve("views.pt"));
        try (PyTorchFile f = PyTorchFile.open(p)) {
            Tensor x = f.tensor("x");
            assertArrayEquals(new long[]{3, 4}, x.shape());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(s[3 + i + 5 * j], x.getDouble(i * 4L + j), "x[" + i + "][" + j + "]");
                }
            }
            float[] row = new float[4];
            x.readFloats(4, row, 0, 4);
            assertArrayEquals(new float[]{s[4], s[9], s[14], s[19]}, row);
            // y: contiguous apart from a size-1 dimension whose stride does not matter: mapped, storage[20..23].
            Tensor y = f.tensor("y");
            assertTrue(y.data().isMapped());
            assertArrayEquals(new double[]{s[20], s[21], s[22], s[23]}, values(y));
        }
    }

    /** The zip64 records archives over 4 GB carry (sizes and offsets in the extra field, the zip64 end record). */
    @Test
    void zip64Archive() {
        float[] v = range(6, 2);
        byte[] pkl = new Pickle().tensor("FloatStorage", "0", 6, 0, new long[]{3, 2}, new long[]{2, 1}).stop();
        Path p = new TorchFiles.Zip().zip64().stored("big/data.pkl", pkl).stored("big/data/0", TestFiles.f32(v))
                .write(dir.resolve("big.pt"));
        try (PyTorchFile f = PyTorchFile.open(p)) {
            double[] want = new double[6];
            for (int i = 0; i < 6; i++) {
                want[i] = v[i];
            }
            assertArrayEquals(want, values(f.tensor("big")));
        }
    }

    @Test
    void bigEndianRecordsAndMemoisedValues() {
        double[] d = {1.25, -7};
        Pickle p = new Pickle().dict();
        p.str("a").tensor("DoubleStorage", "0", 2, 0, new long[]{2}, new long[]{1});
        p.str("b").get(14); // BINGET of the tensor memoised above (slot 14: count the puts in Pickle.tensor)
        p.str("c").get(8); // the storage itself, not a tensor: left out
        p.setItems();
        byte[] pkl = p.stop();
        Path f = new TorchFiles.Zip().stored("m/data.pkl", pkl).stored("m/byteorder", "big".getBytes())
                .stored("m/data/0", TestFiles.f64(ByteOrder.BIG_ENDIAN, d)).write(dir.resolve("be.pt"));
        try (PyTorchFile t = PyTorchFile.open(f)) {
            assertEquals(List.of("a", "b"), t.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(d, values(t.tensor("a")));
            assertArrayEquals(d, values(t.tensor("b")));
        }
    }

    @Test
    void modelLoaderFindsTorchFilesByNameMagicAndDirectory() throws Exception {
        float[] v = range(8, 1);
        byte[] pkl = new Pickle().orderedDict().str("model.embed_tokens.weight")
                .tensor("FloatStorage", "0", 8, 0, new long[]{4, 2}, new long[]{2, 1}).setItems().stop();
        byte[] zip = TorchFiles.archive("pytorch_model", pkl, records("0", TestFiles.f32(v))).bytes();
        Path byMagic = TestFiles.write(dir.resolve("weights.ckpt"), zip);
        try (EmbeddingModel m = ModelLoader.open(byMagic.toString(), null, null)) {
            assertEquals("model.embed_tokens.weight", m.matrix().name());
            assertArrayEquals(new double[]{v[2], v[3]}, m.matrix().rowAsDoubles(1));
        }
        Path model = dir.resolve("model");
        TestFiles.write(model.resolve("pytorch_model.bin"), zip);
        try (EmbeddingModel m = ModelLoader.open(model.toString(), null, null)) {
            assertEquals(4, m.rows());
        }
        // Sharded: pytorch_model.bin.index.json names two .bin shards; only the asked-for one is needed.
        Path sharded = dir.resolve("sharded");
        TestFiles.write(sharded.resolve("pytorch_model-00001-of-00002.bin"), zip);
        byte[] other = new Pickle().orderedDict().str("lm_head.weight")
                .tensor("FloatStorage", "0", 2, 0, new long[]{1, 2}, new long[]{2, 1}).setItems().stop();
        TorchFiles.archive("x", other, records("0", TestFiles.f32(5, 6))).write(sharded.resolve("pytorch_model-00002-of-00002.bin"));
        TestFiles.write(sharded.resolve("pytorch_model.bin.index.json"), """
                {"metadata": {}, "weight_map": {"model.embed_tokens.weight": "pytorch_model-00001-of-00002.bin",
                 "lm_head.weight": "pytorch_model-00002-of-00002.bin"}}""");
        try (EmbeddingModel m = ModelLoader.open(sharded.toString(), null, null)) {
            assertEquals("model.embed_tokens.weight", m.matrix().name());
            assertArrayEquals(new double[]{v[6], v[7]}, m.matrix().rowAsDoubles(3));
        }
        try (EmbeddingModel m = ModelLoader.open(sharded.toString(), "lm_head.weight", null)) {
            assertArrayEquals(new double[]{5, 6}, m.matrix().rowAsDoubles(0));
        }
        Files.delete(sharded.resolve("pytorch_model-00002-of-00002.bin"));
        String msg = assertThrows(CossimException.class, () -> ModelLoader.open(sharded.toString(), "lm_head.weight", null)).getMessage();
        assertTrue(msg.contains("shard 'pytorch_model-00002-of-00002.bin' named in the weight_map does not exist"), msg);
    }

    // ---- bad input: one line naming the file, nothing allocated for a claimed size ----

    private String error(Path p) {
        CossimException e = assertThrows(CossimException.class, () -> {
            try (TensorFile f = ModelLoader.openFile(p)) {
                for (TensorInfo t : f.tensors()) {
                    f.tensor(t.name());
                }
            }
        });
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private Path file(String name, byte[] pkl, Map<String, byte[]> records) {
        return TorchFiles.archive("a", pkl, records).write(dir.resolve(name));
    }

    private static byte[] oneTensor(long numel, long offset, long[] size, long[] stride) {
        return new Pickle().tensor("FloatStorage", "0", numel, offset, size, stride).stop();
    }

    @Test
    void truncatedArchives() {
        byte[] whole = TorchFiles.archive("a", oneTensor(4, 0, new long[]{4}, new long[]{1}),
                records("0", TestFiles.f32(1, 2, 3, 4))).bytes();
        for (int cut : new int[]{0, 3, 100, whole.length / 2, whole.length - 1}) {
            Path p = TestFiles.write(dir.resolve("cut" + cut + ".pt"), Arrays.copyOf(whole, cut));
            String m = error(p);
            assertTrue(m.contains("truncated") || m.contains("not a PyTorch file"), m);
        }
    }

    @Test
    void missingOrCompressedStorageRecord() {
        byte[] pkl = oneTensor(4, 0, new long[]{4}, new long[]{1});
        assertTrue(error(file("missing.pt", pkl, records())).contains("storage record 'a/data/0' is missing"));
        Path deflated = new TorchFiles.Zip().stored("a/data.pkl", pkl).deflated("a/data/0", TestFiles.f32(1, 2, 3, 4))
                .write(dir.resolve("deflated.pt"));
        assertTrue(error(deflated).contains("is compressed (method 8), so it cannot be memory-mapped"));
        assertTrue(error(file("short.pt", pkl, records("0", TestFiles.f32(1, 2, 3)))).contains("reaches element 3 of a storage record holding 3"));
    }

    @Test
    void globalsAndOpcodesOutsideTheAllowList() {
        byte[] eval = new Pickle().global("builtins", "eval").str("__import__('os')").op(0x85).op('R').stop();
        assertTrue(error(file("eval.pt", eval, records())).contains("names 'builtins.eval', which cossim does not load"));
        byte[] numpy = new Pickle().global("numpy.core.multiarray", "_reconstruct").stop();
        assertTrue(error(file("numpy.pt", numpy, records())).contains("'numpy.core.multiarray._reconstruct'"));
        // An allow-listed value (a storage type) is not callable.
        byte[] call = new Pickle().global("torch", "FloatStorage").op(')').op('R').stop();
        assertTrue(error(file("call.pt", call, records())).contains("'torch.FloatStorage'"));
        // NEWOBJ builds an instance of a class: refused whatever the class.
        byte[] newobj = new Pickle().global("collections", "OrderedDict").op(')').op(0x81).stop();
        assertTrue(error(file("newobj.pt", newobj, records())).contains("opcode 0x81 at byte"));
        byte[] inst = new Pickle().mark().op('i').stop();
        assertTrue(error(file("inst.pt", inst, records())).contains("opcode 0x69 ('i')"));
    }

    @Test
    void absurdSizesAreRefusedBeforeAnyAllocation() {
        byte[] f32 = TestFiles.f32(1, 2, 3, 4);
        long big = 1L << 40;
        assertTrue(error(file("huge.pt", oneTensor(4, 0, new long[]{big, big}, new long[]{big, 1}), records("0", f32)))
                .contains("too large to address"));
        assertTrue(error(file("wide.pt", oneTensor(4, 0, new long[]{1_000_000, 1_000_000}, new long[]{1_000_000, 1}), records("0", f32)))
                .contains("of a storage record holding 4"));
        // A view repeating elements (stride 0) far beyond its storage would need more memory than the file holds.
        assertTrue(error(file("expand.pt", oneTensor(4, 0, new long[]{1 << 20, 4}, new long[]{0, 1}), records("0", f32)))
                .contains("repeats storage elements"));
        assertTrue(error(file("negative.pt", oneTensor(4, 0, new long[]{2, 2}, new long[]{-1, 1}), records("0", f32)))
                .contains("negative size or stride"));
        // A string claiming 2 GB of pickle: refused by the bytes left, not allocated.
        byte[] pkl = new Pickle().op('X').op(0).op(0).op(0).op(0x7f).stop();
        assertTrue(error(file("string.pt", pkl, records())).contains("pickle ends early"));
        // A zip central directory claiming more members than it has room for.
        byte[] zip = TorchFiles.archive("a", oneTensor(4, 0, new long[]{4}, new long[]{1}), records("0", f32)).bytes();
        zip[zip.length - 12] = (byte) 0xff;
        zip[zip.length - 11] = (byte) 0xff;
        String m = error(TestFiles.write(dir.resolve("members.pt"), zip));
        assertTrue(m.contains("claims 65535 members"), m);
    }

    @Test
    void legacyAndOtherFilesSayHowToResave() {
        // torch.save(..., _use_new_zipfile_serialization=False): a bare pickle stream starting with the magic number.
        byte[] legacy = new Pickle().op(0x8a).op(10).op(0x6c).op(0xfc).op(0x9c).op(0x46).op(0xf9).op(0x20).op(0x6a)
                .op(0xa8).op(0x50).op(0x19).stop();
        String m = error(TestFiles.write(dir.resolve("old.pt"), legacy));
        assertTrue(m.contains("legacy (pre-1.6, not zip) PyTorch file; re-save it with PyTorch 1.6 or later: torch.save(obj, f)"), m);
        String m2 = error(TestFiles.write(dir.resolve("weights.bin"), "not a tensor"));
        assertTrue(m2.contains("not a PyTorch file"), m2);
        Path script = new TorchFiles.Zip().stored("m/data.pkl", new Pickle().op('N').stop()).stored("m/constants.pkl", new byte[0])
                .write(dir.resolve("script.pt"));
        assertTrue(error(script).contains("TorchScript"));
        Path empty = file("empty.pt", new Pickle().dict().str("epoch").integer(3).setItems().stop(), records());
        assertTrue(error(empty).contains("holds no tensors"));
    }
}
