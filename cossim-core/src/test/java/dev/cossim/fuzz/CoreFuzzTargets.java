package dev.cossim.fuzz;

import dev.cossim.CossimException;
import dev.cossim.fuzz.FuzzTarget.Seed;
import dev.cossim.query.BatchFile;
import dev.cossim.query.Labels;
import dev.cossim.source.GgufFile;
import dev.cossim.source.ModelLoader;
import dev.cossim.source.NpzFile;
import dev.cossim.source.NpyFile;
import dev.cossim.source.NpyHeader;
import dev.cossim.source.OnnxFile;
import dev.cossim.source.PyTorchFile;
import dev.cossim.source.SafetensorsFile;
import dev.cossim.source.ShardedCheckpoint;
import dev.cossim.source.Tensor;
import dev.cossim.source.TensorFile;
import dev.cossim.source.TensorInfo;
import dev.cossim.testing.GgufBytes;
import dev.cossim.testing.GgufQuants;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TorchFiles;
import dev.cossim.testing.TorchFiles.Pickle;
import dev.cossim.vocab.Vocabulary;
import dev.cossim.vocab.VocabularyFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The fuzz targets of cossim-core's readers, each seeded with valid files written from the format's spec. */
public final class CoreFuzzTargets {
    private CoreFuzzTargets() {
    }

    public static List<FuzzTarget> all() {
        return List.of(safetensors(), shardedIndex(), npy(), onnx(), tokenizerJson(), vocabTxt(), labels(), batch(), pytorch(),
                npz(), gguf());
    }

    // ---- bodies: read everything a command would read, and say what was read ----

    /** Every tensor of a file, each read through to its last element, then the embedding-tensor pick. */
    static String readAll(TensorFile f) {
        StringBuilder out = new StringBuilder();
        for (TensorInfo info : f.tensors()) {
            Tensor t = f.tensor(info.name());
            out.append(t.dtype()).append(t.rank()).append(' ');
            readTensor(t);
        }
        try {
            Tensor m = f.tensor(ModelLoader.findEmbeddingTensor(f)).requireMatrix();
            if (m.rows() > 0) {
                m.rowAsDoubles(m.rows() - 1);
            }
            out.append("matrix");
        } catch (CossimException e) {
            out.append("no matrix");
        }
        return out.toString();
    }

    static void readTensor(Tensor t) {
        if (!t.dtype().isFloating()) {
            return;
        }
        long n = Tensor.elementCount(t.shape());
        float[] buf = new float[(int) Math.min(n, 4096)];
        for (long from = 0; from < n; from += buf.length) {
            int len = (int) Math.min(buf.length, n - from);
            t.readFloats(from, buf, 0, len);
        }
        if (n > 0) {
            t.getDouble(n - 1);
        }
    }

    // ---- targets ----

    static FuzzTarget safetensors() {
        String h1 = "{\"__metadata__\":{\"format\":\"pt\"},\"emb.word_embeddings.weight\":{\"dtype\":\"F32\",\"shape\":[4,3],"
                + "\"data_offsets\":[0,48]},\"bias\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[48,54]},"
                + "\"steps\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[54,62]}}";
        byte[] d1 = cat(TestFiles.f32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), TestFiles.f16(0.5f, -1, 2), new byte[8]);
        String h2 = "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F64\",\"shape\":[2,1],"
                + "\"data_offsets\":[8,24]},\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[24,24]}}   ";
        byte[] d2 = cat(TestFiles.bf16(1, -2, 3, 0.25f), TestFiles.f64(ByteOrder.LITTLE_ENDIAN, 1.5, -2.5));
        return FuzzTarget.of("safetensors", List.of(new Seed("model.safetensors", safetensorsBytes(h1, d1)),
                        new Seed("model.safetensors", safetensorsBytes(h2, d2))),
                List.of("\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"", "\"BF16\"",
                        "\"F64\"", "\"I64\"", "\"U8\"", "\"BOOL\"", "[0,0]", "[]"),
                file -> {
                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        return readAll(f);
                    }
                });
    }

    static FuzzTarget shardedIndex() {
        String s1 = "model-00001-of-00002.safetensors";
        String s2 = "model-00002-of-00002.safetensors";
        byte[] shard1 = safetensorsBytes("{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}",
                TestFiles.f32(1, 2, 3, 4));
        byte[] shard2 = safetensorsBytes("{\"emb.word_embeddings.weight\":{\"dtype\":\"F16\",\"shape\":[3,2],\"data_offsets\":[0,12]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", cat(TestFiles.f16(1, 2, 3, 4, 5, 6), TestFiles.f32(7)));
        String index = "{\"metadata\":{\"total_size\":44},\"weight_map\":{\"a.weight\":\"" + s1 + "\","
                + "\"emb.word_embeddings.weight\":\"" + s2 + "\",\"c\":\"" + s2 + "\"}}";
        return new FuzzTarget("sharded-index", List.of(new Seed("model.safetensors.index.json", utf8(index))),
                Map.of(s1, shard1, s2, shard2),
                List.of("\"weight_map\"", "\"metadata\"", "\"" + s1 + "\"", "\"" + s2 + "\"", "\"a.weight\"", "\"c\""),
                file -> {
                    try (ShardedCheckpoint f = ShardedCheckpoint.open(file)) {
                        return readAll(f);
                    }
                });
    }

    static FuzzTarget npy() {
        List<Seed> seeds = List.of(
                new Seed("emb.npy", cat(NpyHeader.format("<f4", 2, 3), TestFiles.f32(1, 2, 3, 4, 5, 6))),
                new Seed("emb.npy", cat(NpyHeader.format("<f2", 3), TestFiles.f16(1, -2, 0.5f))),
                new Seed("emb.npy", npyBytes(2, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }",
                        TestFiles.f64(ByteOrder.BIG_ENDIAN, 1, 2, 3, 4))),
                new Seed("emb.npy", npyBytes(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }", new byte[8])),
                new Seed("emb.npy", cat(NpyHeader.format("<f4", 0, 5), new byte[0])));
        return FuzzTarget.of("npy", seeds, List.of("'descr'", "'shape'", "'fortran_order'", "True", "False", "'<f4'", "'<f2'",
                        "'>f8'", "'|b1'", "'<u8'", "(1,)", "()", "(0,)"),
                file -> {
                    try (NpyFile f = NpyFile.open(file)) {
                        return readAll(f);
                    }
                });
    }

    static FuzzTarget onnx() {
        try {
            byte[] m1 = TestFiles.onnxModel(
                    TestFiles.onnxTensor("bias", new long[]{3}, 1, TestFiles.f32(1, 2, 3), null),
                    TestFiles.onnxTensor("emb.word_embeddings.weight", new long[]{2, 3}, 1, TestFiles.f32(1, 0, 0, 0.5f, 0.5f, 0), null),
                    TestFiles.onnxTensor("half", new long[]{1, 2}, 10, TestFiles.f16(0.5f, -3), null));
            byte[] m2 = TestFiles.onnxModel(
                    TestFiles.onnxTensor("packed", new long[]{2, 1}, 1, null, new float[]{7, 9}),
                    TestFiles.onnxTensor("ids", new long[]{2}, 7, new byte[16], null),
                    TestFiles.onnxTensor("d", new long[]{1, 1}, 11, TestFiles.f64(ByteOrder.LITTLE_ENDIAN, 2.5), null));
            return FuzzTarget.of("onnx", List.of(new Seed("model.onnx", m1), new Seed("model.onnx", m2)), List.of(),
                    file -> {
                        try (OnnxFile f = OnnxFile.open(file)) {
                            return readAll(f);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FuzzTarget tokenizerJson() {
        List<Seed> seeds = new ArrayList<>();
        for (String s : TokenizerSeeds.all()) {
            seeds.add(new Seed("tokenizer.json", utf8(s)));
        }
        return FuzzTarget.of("tokenizer-json", seeds, TokenizerSeeds.DICTIONARY, file -> describe(VocabularyFiles.read(file)));
    }

    static FuzzTarget vocabTxt() {
        return FuzzTarget.of("vocab-txt", List.of(new Seed("vocab.txt", utf8("[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n##s\ncafé\n")),
                        new Seed("vocab.txt", utf8("a\r\nb\r\n\r\n\uD83D\uDE00\n"))), List.of(),
                file -> describe(VocabularyFiles.read(file)));
    }

    static String describe(Vocabulary v) {
        StringBuilder b = new StringBuilder("size>0 ");
        for (int i = 0; i < Math.min(v.size(), 64); i++) {
            String t = v.token(i);
            if (t != null) {
                v.id(t);
            }
            b.append(t == null ? '?' : '.');
        }
        v.display(v.size());
        return b.toString();
    }

    static FuzzTarget labels() {
        return FuzzTarget.of("labels", List.of(new Seed("labels.txt", utf8("first\nsecond row\r\ncafé\n\n\uD83D\uDE00 last")),
                        new Seed("labels.jsonl", utf8("\"a\"\n{\"label\":\"b\"}\n{\"text\":\"c\\nd\"}\n\"\\u00e9\"\n"))),
                List.of("\"label\"", "\"text\"", "{\"label\":1}"),
                file -> {
                    try (Labels l = Labels.open(file)) {
                        StringBuilder b = new StringBuilder();
                        for (int i = 0; i < Math.min(l.size(), 1000); i++) {
                            b.append(l.get(i).isEmpty() ? 'e' : 'l');
                        }
                        return b.toString();
                    }
                });
    }

    static FuzzTarget batch() {
        List<Seed> seeds = List.of(
                new Seed("batch.npy", cat(NpyHeader.format("<f4", 3, 2), TestFiles.f32(1, 2, 3, 4, 5, 6))),
                new Seed("batch.npy", cat(NpyHeader.format("<f2", 2, 3, 2), TestFiles.f16(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))),
                new Seed("batch.safetensors", safetensorsBytes("{\"emb\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
                        TestFiles.f32(1, 2, 3, 4, 5, 6))),
                new Seed("batch.safetensors", safetensorsBytes("{\"h\":{\"dtype\":\"BF16\",\"shape\":[2,2,2],\"data_offsets\":[0,16]}}",
                        TestFiles.bf16(1, 2, 3, 4, 5, 6, 7, 8))));
        return FuzzTarget.of("batch", seeds, List.of("\"shape\"", "'shape'", "\"dtype\"", "\"F64\""),
                file -> {
                    try (BatchFile b = BatchFile.open(file, null)) {
                        Integer position = b.rank() == 3 ? -1 : null;
                        int p = BatchFile.resolvePosition(position, b.positions(), b.rank(), file);
                        int count = (int) Math.min(b.rows(), 16);
                        float[] block = new float[count * b.dim()];
                        b.read(0, count, p, block);
                        if (b.rows() > 0) {
                            b.rowAsDoubles(b.rows() - 1, p);
                        }
                        return b.dtype() + " rank " + b.rank();
                    }
                });
    }

    static FuzzTarget pytorch() {
        // A bare tensor, and a state dict of float16/bfloat16 tensors with a strided view at a storage offset.
        byte[] bare = TorchFiles.archive("emb", new Pickle().tensor("FloatStorage", "0", 6, 0, new long[]{2, 3},
                new long[]{3, 1}).stop(), Map.of("0", TestFiles.f32(1, 2, 3, 4, 5, 6))).bytes();
        Pickle p = new Pickle().orderedDict();
        p.str("embeddings.word_embeddings.weight").tensor("HalfStorage", "0", 6, 0, new long[]{3, 2}, new long[]{2, 1});
        p.str("view").tensor("FloatStorage", "1", 6, 1, new long[]{2, 2}, new long[]{1, 2});
        p.str("norm").tensor("BFloat16Storage", "2", 2, 0, new long[]{2}, new long[]{1});
        byte[] dict = TorchFiles.archive("archive", p.stop(), Map.of("0", TestFiles.f16(1, 2, 3, 4, 5, 6),
                "1", TestFiles.f32(9, 1, 2, 3, 4, 5), "2", TestFiles.bf16(0.5f, -1))).bytes();
        return FuzzTarget.of("pytorch", List.of(new Seed("model.pt", bare), new Seed("pytorch_model.bin", dict)),
                List.of("data.pkl", "FloatStorage", "HalfStorage", "torch._utils", "_rebuild_tensor_v2", "collections"),
                file -> {
                    try (PyTorchFile f = PyTorchFile.open(file)) {
                        return readAll(f);
                    }
                });
    }

    static FuzzTarget npz() {
        byte[] emb = cat(NpyHeader.format("<f4", 2, 3), TestFiles.f32(1, 2, 3, 4, 5, 6));
        byte[] half = cat(NpyHeader.format("<f2", 3), TestFiles.f16(1, -2, 0.5f));
        byte[] stored = new TorchFiles.Zip().stored("emb.npy", emb).stored("half.npy", half).bytes();
        byte[] deflated = new TorchFiles.Zip().deflated("emb.npy", emb).stored("half.npy", half).bytes();
        return FuzzTarget.of("npz", List.of(new Seed("a.npz", stored), new Seed("a.npz", deflated)),
                List.of(".npy", "'descr'", "'shape'", "'<f4'"),
                file -> {
                    try (NpzFile f = NpzFile.open(file)) {
                        return readAll(f);
                    }
                });
    }

    static FuzzTarget gguf() {
        // F32 and F16 tensors with a vocabulary, and one of each quantised block type (blocks from known values).
        byte[] plain = new GgufBytes(3).string("general.architecture", "bert").string("tokenizer.ggml.model", "gpt2")
                .stringArray("tokenizer.ggml.tokens", "a", "\u0120b")
                .tensor("token_embd.weight", new long[]{3, 2}, GgufBytes.F32, TestFiles.f32(1, 2, 3, 4, 5, 6))
                .tensor("f16", new long[]{2}, GgufBytes.F16, TestFiles.f16(0.5f, -1)).bytes();
        List<Seed> seeds = new ArrayList<>(List.of(new Seed("model.gguf", plain)));
        SplittableRandom r = new SplittableRandom(5);
        for (int type : new int[]{GgufBytes.Q8_0, GgufBytes.Q4_0, GgufBytes.Q4_K, GgufBytes.Q5_K, GgufBytes.Q6_K}) {
            GgufQuants.Block blk = GgufQuants.random(type, r, true);
            seeds.add(new Seed("model.gguf", new GgufBytes(type % 2 == 0 ? 3 : 2)
                    .tensor("token_embd.weight", new long[]{GgufQuants.blockSize(type), 1}, type, blk.bytes()).bytes()));
        }
        return FuzzTarget.of("gguf", seeds, List.of("GGUF", "general.alignment", "tokenizer.ggml.tokens", "token_embd.weight"),
                file -> {
                    try (GgufFile f = GgufFile.open(file)) {
                        Vocabulary v = f.vocabulary();
                        return readAll(f) + (v == null ? "" : " vocab " + v.size());
                    }
                });
    }

    // ---- file bytes from the specs ----

    static byte[] safetensorsBytes(String header, byte[] data) {
        return TestFiles.safetensorsBytes(header, data);
    }

    static byte[] npyBytes(int major, String dict, byte[] data) {
        return TestFiles.npyBytes(major, dict, data);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
