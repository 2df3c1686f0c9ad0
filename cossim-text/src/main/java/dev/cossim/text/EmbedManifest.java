package dev.cossim.text;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cossim.CossimException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code cossim embed} wrote ({@value #FILE} beside the batches), so that a query string can be embedded exactly as
 * the corpus was: same model, pooling, positions and alignment.
 *
 * @param pooling   "mean" (2-D [rows, dim]) or "tokens" (3-D [rows, positions, dim])
 * @param positions token slots per row for "tokens", else 0
 * @param align     "end" (last token in the last slot) or "start", for "tokens"
 * @param layer     the block whose intermediate the batches hold, or null (the last hidden state, or a tensor by name)
 * @param component the block's component ({@link BlockOutputs#COMPONENTS}), or null
 * @param tensor    the ONNX tensor the batches hold; null means {@value OnnxEmbedder#OUTPUT}
 * @param outputs   at the top of a tree of captured intermediates: its batch trees (and {@code files} is empty)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbedManifest(String model, String pooling, int positions, String align, int dim, long rows,
                            String dtype, List<String> files, Integer layer, String component, String tensor,
                            List<Output> outputs) {
    /** One batch tree below a top manifest: its directory (relative, {@code layer03/attention}) and what it holds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String dir, Integer layer, String component, String tensor, int dim) {
    }

    public static final String FILE = "embed.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public boolean tokens() {
        return pooling.equals("tokens");
    }

    public boolean alignEnd() {
        return align.equals("end");
    }

    /** The ONNX output the rows come from. */
    public String tensorName() {
        return tensor != null ? tensor : OnnxEmbedder.OUTPUT;
    }

    /** Whether this is the top of a tree of batch trees (one per layer and component) rather than a corpus itself. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isTree() {
        return outputs != null && !outputs.isEmpty();
    }

    public void write(Path p) {
        try {
            JSON.writeValue(p.toFile(), this);
        } catch (IOException e) {
            throw CossimException.inFile(p, "cannot write: " + e.getMessage());
        }
    }

    /** The manifest in a corpus directory, or null when there is none. */
    public static EmbedManifest find(Path dir) {
        Path p = dir.resolve(FILE);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            EmbedManifest m = JSON.readValue(p.toFile(), EmbedManifest.class);
            if (m.pooling == null || !(m.pooling.equals("mean") || m.pooling.equals("tokens"))) {
                throw CossimException.inFile(p, "pooling must be \"mean\" or \"tokens\"");
            }
            return m;
        } catch (IOException e) {
            throw CossimException.inFile(p, "not a valid embed manifest: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The vector a string gets in a corpus written with this manifest, at a resolved position for "tokens". */
    public float[] embed(OnnxEmbedder e, String text, int position) {
        return embed(e, text, position, tensorName());
    }

    /**
     * The vector a string gets from ONNX tensor {@code tensor} (which {@code e} must return) pooled or laid out as this
     * manifest says: how a query string is embedded through another component than the corpus's.
     */
    public float[] embed(OnnxEmbedder e, String text, int position, String tensor) {
        float[][] states = e.run(List.of(text), List.of(tensor)).getFirst()[0];
        if (!tokens()) {
            return OnnxEmbedder.meanPool(states);
        }
        float[] all = OnnxEmbedder.layout(states, positions, alignEnd());
        int d = states[0].length;
        float[] v = java.util.Arrays.copyOfRange(all, position * d, (position + 1) * d);
        boolean zero = true;
        for (float x : v) {
            zero &= x == 0;
        }
        if (zero) {
            throw new CossimException(String.format(Locale.ROOT, "query text '%s' has %d tokens: none falls in position %d of %d (aligned at the %s)",
                    text, states.length, position, positions, align));
        }
        return v;
    }
}
