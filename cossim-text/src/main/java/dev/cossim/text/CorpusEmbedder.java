package dev.cossim.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.query.NpyWriter;
import dev.cossim.source.DType;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Embeds strings into batch files a corpus query reads: {@code batch_00000.npy}, ... each with its labels as
 * {@code batch_00000.jsonl} (one JSON string per row, so labels may hold newlines) and an {@link EmbedManifest}.
 * Rows are mean-pooled vectors [rows, dim], or every token's hidden state [rows, positions, dim]. Batches are streamed
 * to disk: the heap holds one inference batch, never a file.
 */
public final class CorpusEmbedder {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param tokens      per-token states (3-D) instead of mean-pooled vectors
     * @param positions   token slots for 3-D output, or 0 for the longest text's token count
     * @param alignEnd    3-D: place a text's last token in the last slot
     * @param rowsPerFile rows per batch file
     * @param inferBatch  texts per inference run
     */
    public record Options(boolean tokens, int positions, boolean alignEnd, int rowsPerFile, DType dtype, int inferBatch) {
    }

    private CorpusEmbedder() {
    }

    /**
     * @param out where to write each named file (an output directory's temporary paths)
     * @return the manifest, already written through {@code out}
     */
    public static EmbedManifest write(OnnxEmbedder e, IntFunction<String> texts, int n, Options o,
                                      Function<String, Path> out, ProgressListener progress) {
        if (n == 0) {
            throw new CossimException("no strings to embed");
        }
        int positions = o.positions();
        if (o.tokens() && positions == 0) {
            for (int i = 0; i < n; i++) {
                positions = Math.max(positions, e.tokenIds(texts.apply(i)).length);
            }
        }
        int d = e.dim();
        List<String> files = new ArrayList<>();
        progress.begin("embed", n);
        try {
            for (int first = 0, f = 0; first < n; first += o.rowsPerFile(), f++) {
                int rows = Math.min(o.rowsPerFile(), n - first);
                String stem = String.format(Locale.ROOT, "batch_%05d", f);
                long[] shape = o.tokens() ? new long[]{rows, positions, d} : new long[]{rows, d};
                try (NpyWriter w = new NpyWriter(out.apply(stem + ".npy"), o.dtype(), shape);
                     BufferedWriter labels = Files.newBufferedWriter(out.apply(stem + ".jsonl"), StandardCharsets.UTF_8)) {
                    for (int i = 0; i < rows; i += o.inferBatch()) {
                        List<String> group = new ArrayList<>();
                        for (int j = first + i; j < first + Math.min(rows, i + o.inferBatch()); j++) {
                            group.add(texts.apply(j));
                        }
                        float[][][] states = e.hiddenStates(group);
                        for (int j = 0; j < group.size(); j++) {
                            float[] v = o.tokens() ? OnnxEmbedder.layout(states[j], positions, o.alignEnd()) : OnnxEmbedder.meanPool(states[j]);
                            w.write(v, 0, v.length);
                            labels.write(json(group.get(j)));
                            labels.write('\n');
                        }
                        progress.advance(group.size());
                    }
                } catch (IOException ex) {
                    throw new CossimException(stem + ".jsonl: cannot write: " + ex.getMessage(), ex);
                }
                files.add(stem + ".npy");
            }
        } finally {
            progress.end();
        }
        EmbedManifest m = new EmbedManifest(e.name(), o.tokens() ? "tokens" : "mean", o.tokens() ? positions : 0,
                o.alignEnd() ? "end" : "start", d, n, o.dtype().name(), files);
        m.write(out.apply(EmbedManifest.FILE));
        return m;
    }

    private static String json(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
