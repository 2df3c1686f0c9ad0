package dev.cossim.text;

import dev.cossim.analysis.ProgressListener;
import dev.cossim.query.Corpus;
import dev.cossim.source.DType;
import dev.cossim.source.DefaultModel;
import dev.cossim.source.OnnxFile;
import dev.cossim.source.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Block intermediates of the real all-MiniLM-L6-v2, captured as added ONNX graph outputs and run by onnxruntime. */
class BlockIntermediatesTest {
    static final List<String> TEXTS = List.of("my most gr", "is dreams,", "line\nbreak", "thy eternal summer shall not fade", "x");
    static OnnxEmbedder.Source src;
    static BlockOutputs blocks;
    static List<BlockOutputs.Capture> all;
    static OnnxEmbedder e;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        src = OnnxEmbedder.Source.defaultModel();
        blocks = BlockOutputs.of(src.graph());
        all = blocks.resolve(BlockOutputs.COMPONENTS, "all");
        e = OnnxEmbedder.create(src, 2, all.stream().map(BlockOutputs.Capture::tensor).toList());
    }

    @AfterAll
    static void close() {
        e.close();
    }

    /** BERT's LayerNorm over the last axis in double, eps 1e-12 as the graph's Add constant. */
    static double[] layerNorm(double[] x, Tensor w, Tensor b) {
        double mean = 0, var = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean) / Math.sqrt(var + 1e-12) * w.getDouble(i) + b.getDouble(i);
        }
        return out;
    }

    /**
     * The components are what their names say: a block's hidden state is, in double from the captured tensors and the
     * model's own LayerNorm weights, LN_out(ffn + LN_attn(attention + previous hidden)): BERT's post-LN residual block.
     */
    @Test
    void eachBlocksHiddenStateIsRebuiltFromItsAttentionAndFeedForwardOutputs() {
        List<float[][][]> r = e.run(TEXTS, all.stream().map(BlockOutputs.Capture::tensor).toList());
        try (OnnxFile f = DefaultModel.onnx()) {
            double worst = 0;
            for (int l = 1; l < 6; l++) {
                String p = "encoder.layer." + l + ".";
                Tensor w1 = f.tensor(p + "attention.output.LayerNorm.weight"), b1 = f.tensor(p + "attention.output.LayerNorm.bias");
                Tensor w2 = f.tensor(p + "output.LayerNorm.weight"), b2 = f.tensor(p + "output.LayerNorm.bias");
                float[][][] prev = r.get(3 * (l - 1)), hidden = r.get(3 * l), attn = r.get(3 * l + 1), ffn = r.get(3 * l + 2);
                for (int t = 0; t < TEXTS.size(); t++) {
                    for (int j = 0; j < hidden[t].length; j++) {
                        double[] x = new double[384];
                        for (int i = 0; i < 384; i++) {
                            x[i] = (double) attn[t][j][i] + prev[t][j][i];
                        }
                        double[] mid = layerNorm(x, w1, b1);
                        for (int i = 0; i < 384; i++) {
                            x[i] = ffn[t][j][i] + mid[i];
                        }
                        double[] want = layerNorm(x, w2, b2);
                        for (int i = 0; i < 384; i++) {
                            worst = Math.max(worst, Math.abs(want[i] - hidden[t][j][i]));
                        }
                    }
                }
            }
            // float32 rounding of the graph's own sums (7.7e-6 measured; the hidden values are of order 1-10)
            assertTrue(worst < 1e-4, "largest difference " + worst);
        }
    }

    /** Bit for bit: the last block's captured hidden state is last_hidden_state, as plain embed writes it. */
    @Test
    void lastLayersHiddenTreeEqualsThePlainLastHiddenStateBitForBit() throws Exception {
        CorpusEmbedder.Options o = new CorpusEmbedder.Options(true, 0, true, 2, DType.F32, 2);
        Path plain = dir.resolve("plain"), tree = dir.resolve("tree");
        try (OnnxEmbedder bare = OnnxEmbedder.defaultModel(2)) {
            CorpusEmbedder.write(bare, TEXTS::get, TEXTS.size(), o, plain::resolve, ProgressListener.NONE);
        }
        CorpusEmbedder.write(e, TEXTS::get, TEXTS.size(), o, blocks.resolve(List.of("hidden"), "5"), tree::resolve, ProgressListener.NONE);
        for (String f : List.of("batch_00000.npy", "batch_00001.npy", "batch_00002.npy", "batch_00000.jsonl", "batch_00002.tokens")) {
            assertArrayEquals(Files.readAllBytes(plain.resolve(f)), Files.readAllBytes(tree.resolve("layer05/hidden").resolve(f)), f);
        }
    }

    @Test
    void writesOneBatchTreePerLayerAndOutputWithLabelsTokenCountsAndManifests() throws Exception {
        List<BlockOutputs.Capture> caps = new ArrayList<>(blocks.resolve(List.of("attention", "ffn"), "0,3"));
        caps.addAll(blocks.resolve(List.of("/encoder/layer.2/intermediate/dense/Add_output_0"), null));
        Path out = dir.resolve("out");
        try (OnnxEmbedder withIntermediate = OnnxEmbedder.create(src, 2, caps.stream().map(BlockOutputs.Capture::tensor).toList())) {
            EmbedManifest top = CorpusEmbedder.write(withIntermediate, TEXTS::get, TEXTS.size(), new CorpusEmbedder.Options(true, 6, true, 3, DType.F32, 2),
                    caps, out::resolve, ProgressListener.NONE);
            assertEquals(top, EmbedManifest.find(out));
            assertTrue(top.isTree());
            assertEquals(List.of("layer00/attention", "layer00/ffn", "layer03/attention", "layer03/ffn", "tensors/encoder_layer.2_intermediate_dense_Add_output_0"),
                    top.outputs().stream().map(EmbedManifest.Output::dir).toList());
            assertEquals(List.of(384, 384, 384, 384, 1536), top.outputs().stream().map(EmbedManifest.Output::dim).toList());
            try (var s = Files.list(out)) {
                assertEquals(List.of("embed.json", "layer00", "layer03", "tensors"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            for (int c = 0; c < caps.size(); c++) {
                Path tree = out.resolve(caps.get(c).dir());
                try (var s = Files.list(tree)) {
                    assertEquals(List.of("batch_00000.jsonl", "batch_00000.npy", "batch_00000.tokens", "batch_00001.jsonl", "batch_00001.npy", "batch_00001.tokens", "embed.json"),
                            s.map(p -> p.getFileName().toString()).sorted().toList());
                }
                EmbedManifest m = EmbedManifest.find(tree);
                assertEquals(caps.get(c).layer(), m.layer());
                assertEquals(caps.get(c).component(), m.component());
                assertEquals(caps.get(c).tensor(), m.tensorName());
                assertEquals(List.of("batch_00000.npy", "batch_00001.npy"), m.files());
                // [CLS] my most gr [SEP], [CLS] is dreams , [SEP], [CLS] line break [SEP], 6 words + 2, [CLS] x [SEP]
                assertEquals(List.of("5", "5", "4", "8", "3"), tokenCounts(tree));
                try (Corpus corpus = Corpus.open(List.of(tree), null, null)) {
                    assertEquals(TEXTS.size(), corpus.rows());
                    assertEquals(6, corpus.positions());
                    assertEquals(top.outputs().get(c).dim(), corpus.dim());
                    assertEquals("line\nbreak", corpus.label(2));
                    // Each stored row is the string's own state of that tensor, run alone (padding in a batch moves a few ulps).
                    for (int r = 0; r < TEXTS.size(); r++) {
                        float[] want = m.embed(withIntermediate, TEXTS.get(r), 4);
                        double[] got = corpus.vector(r, 4);
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], got[i], 1e-3 * Math.max(1, Math.abs(want[i])), caps.get(c).dir() + " row " + r + " dim " + i);
                        }
                    }
                }
            }
        }
    }

    /** Each row's token count as the model reads the text ([CLS] ... [SEP]), over both files. */
    private List<String> tokenCounts(Path tree) throws Exception {
        List<String> got = new ArrayList<>(Files.readAllLines(tree.resolve("batch_00000.tokens")));
        got.addAll(Files.readAllLines(tree.resolve("batch_00001.tokens")));
        List<String> want = TEXTS.stream().map(t -> Integer.toString(e.tokenIds(t).length)).toList();
        assertEquals(want, got);
        return got;
    }

    /** The notebook's query through another component: a string embedded through layer 0's attention, from an ffn corpus. */
    @Test
    void aQueryCanGoThroughAnotherComponentThanTheCorpus() {
        EmbedManifest ffn0 = new EmbedManifest("m", "tokens", 6, "end", 384, 5, "F32", List.of(), 0, "ffn", blocks.tensor(0, "ffn"), null);
        float[] viaManifest = ffn0.embed(e, "my most gr", 4);
        float[] viaAttention = ffn0.embed(e, "my most gr", 4, blocks.tensor(0, "attention"));
        float[][][] direct = e.run(List.of("my most gr"), List.of(blocks.tensor(0, "ffn"), blocks.tensor(0, "attention"))).stream()
                .map(s -> s[0]).toArray(float[][][]::new);
        int tokens = direct[0].length; // aligned at the end: slot 4 of 6 is token tokens - 2
        assertArrayEquals(direct[0][tokens - 2], viaManifest);
        assertArrayEquals(direct[1][tokens - 2], viaAttention);
    }
}
