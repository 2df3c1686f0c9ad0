package dev.cossim.text;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.cossim.CossimException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The computation graph of an ONNX model (its nodes, in graph order, with their input and output tensor names, and the
 * graph's outputs), read from the protobuf wire format: ModelProto.graph (field 7) -> GraphProto {node 1, output 12}
 * -> NodeProto {input 1, output 2, name 3, op_type 4}, ValueInfoProto {name 1}. Weights are skipped on the wire.
 */
public final class OnnxGraph {
    /** One node: its name (the exporter's module path, e.g. {@code /encoder/layer.0/output/dense/Add}), op and tensors. */
    public record Node(String name, String op, List<String> inputs, List<String> outputs) {
    }

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP = 4;
    private static final int VALUE_INFO_NAME = 1;

    private final List<Node> nodes;
    private final List<String> outputs;

    private OnnxGraph(List<Node> nodes, List<String> outputs) {
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
    }

    /** Parses a serialized ModelProto; {@code origin} names it in errors. */
    public static OnnxGraph parse(byte[] model, String origin) {
        List<Node> nodes = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(model);
            in.setSizeLimit(Integer.MAX_VALUE);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (isMessage(tag, MODEL_GRAPH)) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    readGraph(in, nodes, outputs);
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw CossimException.inFile(origin, "not a valid ONNX model (corrupt protobuf: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw CossimException.inFile(origin, "cannot read the ONNX graph: " + e.getMessage());
        }
        if (nodes.isEmpty()) {
            throw CossimException.inFile(origin, "the ONNX model has no graph nodes");
        }
        return new OnnxGraph(nodes, outputs);
    }

    private static boolean isMessage(int tag, int field) {
        return WireFormat.getTagFieldNumber(tag) == field && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    private static void readGraph(CodedInputStream in, List<Node> nodes, List<String> outputs) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (isMessage(tag, GRAPH_NODE)) {
                int limit = in.pushLimit(in.readRawVarint32());
                nodes.add(readNode(in));
                in.popLimit(limit);
            } else if (isMessage(tag, GRAPH_OUTPUT)) {
                int limit = in.pushLimit(in.readRawVarint32());
                String name = "";
                int t;
                while ((t = in.readTag()) != 0) {
                    if (isMessage(t, VALUE_INFO_NAME)) {
                        name = in.readString();
                    } else {
                        in.skipField(t);
                    }
                }
                outputs.add(name);
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outs = new ArrayList<>();
        String name = "";
        String op = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(in.readString());
                case NODE_OUTPUT -> outs.add(in.readString());
                case NODE_NAME -> name = in.readString();
                case NODE_OP -> op = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, inputs, outs);
    }

    /** Every node, in graph (topological) order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The graph's declared outputs (for a BERT export: last_hidden_state, sometimes pooler_output). */
    public List<String> outputs() {
        return outputs;
    }

    /** Every tensor a node produces, in graph order (the names {@code embed --outputs} accepts). */
    public Set<String> tensors() {
        Set<String> s = new LinkedHashSet<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    s.add(o);
                }
            }
        }
        return s;
    }

    /**
     * The model with {@code names} added as graph outputs: a second {@code graph} field holding only ValueInfoProtos
     * (a name, no type: onnxruntime infers it) is appended, and protobuf merges repeated occurrences of a message field,
     * appending to its repeated fields. The original bytes are not rewritten. Names already outputs are left out.
     */
    public byte[] withOutputs(byte[] model, List<String> names) {
        try {
            ByteArrayOutputStream graph = new ByteArrayOutputStream();
            CodedOutputStream g = CodedOutputStream.newInstance(graph);
            for (String name : new LinkedHashSet<>(names)) {
                if (outputs.contains(name)) {
                    continue;
                }
                ByteArrayOutputStream vi = new ByteArrayOutputStream();
                CodedOutputStream v = CodedOutputStream.newInstance(vi);
                v.writeString(VALUE_INFO_NAME, name);
                v.flush();
                g.writeByteArray(GRAPH_OUTPUT, vi.toByteArray());
            }
            g.flush();
            ByteArrayOutputStream suffix = new ByteArrayOutputStream();
            CodedOutputStream m = CodedOutputStream.newInstance(suffix);
            m.writeByteArray(MODEL_GRAPH, graph.toByteArray());
            m.flush();
            byte[] out = java.util.Arrays.copyOf(model, model.length + suffix.size());
            System.arraycopy(suffix.toByteArray(), 0, out, model.length, suffix.size());
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
