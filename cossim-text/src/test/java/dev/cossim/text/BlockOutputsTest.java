package dev.cossim.text;

import com.google.protobuf.CodedOutputStream;
import dev.cossim.ParameterException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How block intermediates are named: on ONNX graphs written here field by field from onnx.proto (ModelProto.graph 7,
 * GraphProto.node 1 / output 12, NodeProto input 1 / output 2 / name 3 / op_type 4, ValueInfoProto.name 1), with the
 * node names the PyTorch exporter gives BERT and DistilBERT modules, and on the embedded MiniLM's real graph.
 */
class BlockOutputsTest {
    /** A node as (name, op, inputs..., "->", outputs...). */
    static byte[] node(String name, String op, List<String> in, List<String> out) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(b);
        for (String i : in) {
            c.writeString(1, i);
        }
        for (String o : out) {
            c.writeString(2, o);
        }
        c.writeString(3, name);
        c.writeString(4, op);
        c.flush();
        return b.toByteArray();
    }

    static byte[] model(List<byte[]> nodes, List<String> outputs) throws IOException {
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(g);
        c.writeString(2, "test graph"); // GraphProto.name, skipped
        for (byte[] n : nodes) {
            c.writeByteArray(1, n);
        }
        for (String o : outputs) {
            ByteArrayOutputStream v = new ByteArrayOutputStream();
            CodedOutputStream vc = CodedOutputStream.newInstance(v);
            vc.writeString(1, o);
            vc.flush();
            c.writeByteArray(12, v.toByteArray());
        }
        c.flush();
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        CodedOutputStream mc = CodedOutputStream.newInstance(m);
        mc.writeInt64(1, 8); // ir_version
        mc.writeByteArray(7, g.toByteArray());
        mc.flush();
        return m.toByteArray();
    }

    /** A two-block post-LayerNorm BERT as torch.onnx.export names it (one node per step, the shapes do not matter here). */
    static byte[] bert(String prefix, String attention, String ffn, String ln) throws IOException {
        List<byte[]> n = new ArrayList<>();
        n.add(node("/embeddings/LayerNorm/Add_1", "Add", List.of("x"), List.of("emb")));
        n.add(node("/Mul", "Mul", List.of("attention_mask"), List.of("mask")));
        String in = "emb";
        for (int l = 0; l < 2; l++) {
            String s = prefix + l + "/";
            n.add(node(s + "attention/self/MatMul", "MatMul", List.of(in, "mask"), List.of(s + "ctx")));
            n.add(node(s + attention + "/MatMul", "MatMul", List.of(s + "ctx"), List.of(s + "attn_mm")));
            n.add(node(s + attention + "/Add", "Add", List.of(s + "attn_mm"), List.of(s + "attn")));
            n.add(node(s + "attention/Add", "Add", List.of(s + "attn", in), List.of(s + "res1")));
            n.add(node(s + "attention/LayerNorm/Add_1", "Add", List.of(s + "res1"), List.of(s + "ln1")));
            n.add(node(s + "intermediate/dense/Add", "Add", List.of(s + "ln1"), List.of(s + "inter")));
            n.add(node(s + ffn + "/Add", "Add", List.of(s + "inter"), List.of(s + "ffn")));
            n.add(node(s + "Add", "Add", List.of(s + "ffn", s + "ln1"), List.of(s + "res2")));
            n.add(node(s + "Constant", "Constant", List.of(), List.of(s + "eps")));
            String out = l == 1 ? "last_hidden_state" : s + "hidden";
            n.add(node(s + ln + "/Add_1", "Add", List.of(s + "res2", s + "eps"), List.of(out)));
            in = out;
        }
        n.add(node("/pooler/dense/Gemm", "Gemm", List.of("last_hidden_state"), List.of("pooler")));
        return model(n, List.of("last_hidden_state", "pooler"));
    }

    @Test
    void bertNamesGiveEachBlocksThreeOutputs() throws IOException {
        OnnxGraph g = OnnxGraph.parse(bert("/encoder/layer.", "attention/output/dense", "output/dense", "output/LayerNorm"), "bert.onnx");
        assertEquals(List.of("last_hidden_state", "pooler"), g.outputs());
        BlockOutputs b = BlockOutputs.of(g);
        assertEquals(List.of(0, 1), b.layers());
        assertEquals("/encoder/layer.0/attn", b.tensor(0, "attention"));
        assertEquals("/encoder/layer.0/ffn", b.tensor(0, "ffn"));
        assertEquals("/encoder/layer.0/hidden", b.tensor(0, "hidden"));
        assertEquals("/encoder/layer.1/attn", b.tensor(1, "attention"));
        // The last block hands its state to the pooler and to the graph's outputs.
        assertEquals("last_hidden_state", b.tensor(1, "hidden"));
    }

    @Test
    void distilBertNamesToo() throws IOException {
        OnnxGraph g = OnnxGraph.parse(bert("/transformer/layer.", "attention/out_lin", "ffn/lin2", "output_layer_norm"), "distilbert.onnx");
        BlockOutputs b = BlockOutputs.of(g);
        assertEquals(List.of(0, 1), b.layers());
        assertEquals("/transformer/layer.1/attn", b.tensor(1, "attention"));
        assertEquals("/transformer/layer.1/ffn", b.tensor(1, "ffn"));
        assertEquals("/transformer/layer.0/hidden", b.tensor(0, "hidden"));
    }

    @Test
    void resolvesLayersComponentsAndTensorsIntoTrees() throws IOException {
        BlockOutputs b = BlockOutputs.of(OnnxGraph.parse(bert("/encoder/layer.", "attention/output/dense", "output/dense", "output/LayerNorm"), "m"));
        List<BlockOutputs.Capture> all = b.resolve(List.of("attention", "FFN", "/encoder/layer.0/inter"), "all");
        assertEquals(List.of(
                new BlockOutputs.Capture(0, "attention", "/encoder/layer.0/attn"),
                new BlockOutputs.Capture(0, "ffn", "/encoder/layer.0/ffn"),
                new BlockOutputs.Capture(1, "attention", "/encoder/layer.1/attn"),
                new BlockOutputs.Capture(1, "ffn", "/encoder/layer.1/ffn"),
                new BlockOutputs.Capture(null, null, "/encoder/layer.0/inter")), all);
        assertEquals(List.of("layer00/attention", "layer00/ffn", "layer01/attention", "layer01/ffn", "tensors/encoder_layer.0_inter"),
                all.stream().map(BlockOutputs.Capture::dir).toList());
        assertEquals(all.subList(0, 4), b.resolve(List.of("attention", "ffn"), null));
        assertEquals(all.subList(0, 4), b.resolve(List.of("attention", "ffn"), "0-1"));
        assertEquals(List.of(new BlockOutputs.Capture(1, "hidden", "last_hidden_state")), b.resolve(List.of("hidden"), "1"));
        assertEquals(List.of(new BlockOutputs.Capture(0, "hidden", "/encoder/layer.0/hidden"), new BlockOutputs.Capture(1, "hidden", "last_hidden_state")),
                b.resolve(List.of("hidden"), "1,0"));
    }

    @Test
    void badComponentsTensorsAndLayersAreOneLineErrors() throws IOException {
        BlockOutputs b = BlockOutputs.of(OnnxGraph.parse(bert("/encoder/layer.", "attention/output/dense", "output/dense", "output/LayerNorm"), "m"));
        ParameterException e = assertThrows(ParameterException.class, () -> b.resolve(List.of("hidden", "ffnn"), "all"));
        assertEquals("outputs", e.parameter());
        assertEquals("outputs ffnn: neither a component (hidden, attention, ffn) nor a tensor of the graph (--list-outputs --verbose lists them)", e.getMessage());
        e = assertThrows(ParameterException.class, () -> b.resolve(List.of("hidden"), "0,2"));
        assertEquals("layers 0,2: the model has layers 0-1; layer 2 is out of range", e.getMessage());
        e = assertThrows(ParameterException.class, () -> b.resolve(List.of("hidden"), "first"));
        assertEquals("layers first: give layer numbers (0-1), ranges such as 0-2, or all", e.getMessage());
        e = assertThrows(ParameterException.class, () -> b.resolve(List.of("hidden"), "-1"));
        assertEquals("layers -1: the model has layers 0-1; layer -1 is out of range", e.getMessage());
        // A graph with no blocks offers tensors only.
        BlockOutputs flat = BlockOutputs.of(OnnxGraph.parse(model(List.of(node("/a/MatMul", "MatMul", List.of("x"), List.of("y"))), List.of("y")), "m"));
        assertEquals(List.of(), flat.layers());
        assertNull(flat.tensor(0, "hidden"));
        e = assertThrows(ParameterException.class, () -> flat.resolve(List.of("hidden"), "all"));
        assertEquals("outputs", e.parameter());
        assertEquals(List.of(new BlockOutputs.Capture(null, null, "y")), flat.resolve(List.of("y"), "all"));
    }

    @Test
    void addedOutputsAreAppendedToTheGraphsOwn() throws IOException {
        byte[] m = bert("/encoder/layer.", "attention/output/dense", "output/dense", "output/LayerNorm");
        OnnxGraph g = OnnxGraph.parse(m, "m");
        byte[] more = g.withOutputs(m, List.of("/encoder/layer.0/attn", "last_hidden_state", "/encoder/layer.1/ffn", "/encoder/layer.0/attn"));
        // The original bytes come first, unchanged; protobuf merges the second graph field into the first.
        assertEquals(java.nio.ByteBuffer.wrap(m), java.nio.ByteBuffer.wrap(more, 0, m.length));
        OnnxGraph h = OnnxGraph.parse(more, "m");
        assertEquals(List.of("last_hidden_state", "pooler", "/encoder/layer.0/attn", "/encoder/layer.1/ffn"), h.outputs());
        assertEquals(g.nodes(), h.nodes());
    }

    @Test
    void corruptGraphIsAOneLineError() throws IOException {
        byte[] m = bert("/encoder/layer.", "attention/output/dense", "output/dense", "output/LayerNorm");
        byte[] cut = java.util.Arrays.copyOf(m, m.length - 7);
        dev.cossim.CossimException e = assertThrows(dev.cossim.CossimException.class, () -> OnnxGraph.parse(cut, "cut.onnx"));
        assertEquals(1, e.getMessage().lines().count());
        assertEquals(true, e.getMessage().startsWith("cut.onnx: not a valid ONNX model"), e.getMessage());
    }

    @Test
    void theEmbeddedMiniLmNamesItsBlocksSo() {
        BlockOutputs b = BlockOutputs.of(OnnxEmbedder.Source.defaultModel().graph());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), b.layers());
        for (int l = 0; l < 6; l++) {
            String s = "/encoder/layer." + l + "/";
            assertEquals(s + "attention/output/dense/Add_output_0", b.tensor(l, "attention"));
            assertEquals(s + "output/dense/Add_output_0", b.tensor(l, "ffn"));
            assertEquals(l == 5 ? "last_hidden_state" : s + "output/LayerNorm/Add_1_output_0", b.tensor(l, "hidden"));
        }
    }
}
