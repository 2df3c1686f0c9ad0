package dev.cossim.text;

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
 */
public record EmbedManifest(String model, String pooling, int positions, String align, int dim, long rows,
                            String dtype, List<String> files) {
    public static final String FILE = "embed.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public boolean tokens() {
        return pooling.equals("tokens");
    }

    public boolean alignEnd() {
        return align.equals("end");
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
        float[][] states = e.hiddenStates(List.of(text))[0];
        if (!tokens()) {
            return OnnxEmbedder.meanPool(states);
        }
        float[] all = OnnxEmbedder.layout(states, positions, alignEnd());
        float[] v = java.util.Arrays.copyOfRange(all, position * e.dim(), (position + 1) * e.dim());
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
