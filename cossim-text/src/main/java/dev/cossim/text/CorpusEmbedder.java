package dev.cossim.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.query.NpyWriter;
import dev.cossim.query.TokenCounts;
import dev.cossim.source.DType;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
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
 * {@code batch_00000.jsonl} (one JSON string per row, so labels may hold newlines), for per-token states each row's
 * token count as {@code batch_00000.tokens} ({@link TokenCounts}), and an {@link EmbedManifest}. Rows are mean-pooled
 * vectors [rows, dim], or every token's state [rows, positions, dim]. By default the model's last hidden state is
 * written; given captures (block intermediates, {@link BlockOutputs}), one such batch tree per capture
 * ({@code layer03/attention/batch_00000.npy} ...), all from the same inference runs, and a manifest at the top listing
 * them. Batches are streamed to disk: the heap holds one inference batch, never a file.
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

    /** One batch tree being written: where, what it captures, and its open files. */
    private static final class Tree {
        final String dir;
        final BlockOutputs.Capture capture;
        final int dim;
        NpyWriter npy;
        Writer labels;
        Writer counts;

        Tree(String dir, BlockOutputs.Capture capture, int dim) {
            this.dir = dir;
            this.capture = capture;
            this.dim = dim;
        }

        String file(String name) {
            return dir.isEmpty() ? name : dir + "/" + name;
        }

        void close() throws IOException {
            try (NpyWriter a = npy; Writer b = labels; Writer c = counts) {
                npy = null;
                labels = null;
                counts = null;
            }
        }
    }

    private CorpusEmbedder() {
    }

    /** The model's last hidden state only, into one batch tree at the top of {@code out}. */
    public static EmbedManifest write(OnnxEmbedder e, IntFunction<String> texts, int n, Options o,
                                      Function<String, Path> out, ProgressListener progress) {
        return write(e, texts, n, o, List.of(), out, progress);
    }

    /**
     * @param captures block intermediates to write, one tree each (the embedder must have been created with their
     *                 tensors as outputs); empty for the last hidden state at the top of {@code out}
     * @param out      where to write each named file, {@code /}-separated below the output directory (an output
     *                 directory's temporary paths); parent directories are created
     * @return the manifest at the top, already written through {@code out}
     */
    public static EmbedManifest write(OnnxEmbedder e, IntFunction<String> texts, int n, Options o, List<BlockOutputs.Capture> captures,
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
        List<Tree> trees = new ArrayList<>();
        List<String> tensors = new ArrayList<>();
        if (captures.isEmpty()) {
            trees.add(new Tree("", null, e.dim()));
            tensors.add(OnnxEmbedder.OUTPUT);
        } else {
            // One text through the model first: each capture's width, before any file header is written.
            List<String> names = captures.stream().map(BlockOutputs.Capture::tensor).toList();
            List<float[][][]> probe = e.run(List.of(texts.apply(0)), names);
            for (int c = 0; c < captures.size(); c++) {
                trees.add(new Tree(captures.get(c).dir(), captures.get(c), probe.get(c)[0][0].length));
            }
            tensors.addAll(names);
        }
        List<String> files = new ArrayList<>();
        progress.begin("embed", n);
        try {
            for (int first = 0, f = 0; first < n; first += o.rowsPerFile(), f++) {
                int rows = Math.min(o.rowsPerFile(), n - first);
                String stem = String.format(Locale.ROOT, "batch_%05d", f);
                try {
                    for (Tree t : trees) {
                        t.npy = new NpyWriter(create(out, t.file(stem + ".npy")), o.dtype(),
                                o.tokens() ? new long[]{rows, positions, t.dim} : new long[]{rows, t.dim});
                        t.labels = Files.newBufferedWriter(create(out, t.file(stem + ".jsonl")), StandardCharsets.UTF_8);
                        if (o.tokens()) {
                            t.counts = Files.newBufferedWriter(create(out, t.file(stem + TokenCounts.SUFFIX)), StandardCharsets.US_ASCII);
                        }
                    }
                    for (int i = 0; i < rows; i += o.inferBatch()) {
                        List<String> group = new ArrayList<>();
                        for (int j = first + i; j < first + Math.min(rows, i + o.inferBatch()); j++) {
                            group.add(texts.apply(j));
                        }
                        List<float[][][]> states = e.run(group, tensors);
                        for (int j = 0; j < group.size(); j++) {
                            String label = json(group.get(j));
                            for (int c = 0; c < trees.size(); c++) {
                                Tree t = trees.get(c);
                                float[][] s = states.get(c)[j];
                                float[] v = o.tokens() ? OnnxEmbedder.layout(s, positions, o.alignEnd()) : OnnxEmbedder.meanPool(s);
                                t.npy.write(v, 0, v.length);
                                t.labels.write(label);
                                t.labels.write('\n');
                                if (t.counts != null) {
                                    t.counts.write(Integer.toString(s.length));
                                    t.counts.write('\n');
                                }
                            }
                        }
                        progress.advance(group.size());
                    }
                    for (Tree t : trees) {
                        t.close();
                    }
                } catch (IOException ex) {
                    throw new CossimException(stem + ": cannot write: " + ex.getMessage(), ex);
                } finally {
                    for (Tree t : trees) {
                        try {
                            t.close();
                        } catch (IOException ignored) {
                            // already failing: the first error is the one reported
                        }
                    }
                }
                files.add(stem + ".npy");
            }
        } finally {
            progress.end();
        }
        String pooling = o.tokens() ? "tokens" : "mean";
        int slots = o.tokens() ? positions : 0;
        String align = o.alignEnd() ? "end" : "start";
        if (captures.isEmpty()) {
            EmbedManifest m = new EmbedManifest(e.name(), pooling, slots, align, e.dim(), n, o.dtype().name(), files,
                    null, null, null, null);
            m.write(create(out, EmbedManifest.FILE));
            return m;
        }
        List<EmbedManifest.Output> listed = new ArrayList<>();
        for (Tree t : trees) {
            BlockOutputs.Capture c = t.capture;
            new EmbedManifest(e.name(), pooling, slots, align, t.dim, n, o.dtype().name(), files, c.layer(), c.component(), c.tensor(), null)
                    .write(create(out, t.file(EmbedManifest.FILE)));
            listed.add(new EmbedManifest.Output(t.dir, c.layer(), c.component(), c.tensor(), t.dim));
        }
        EmbedManifest top = new EmbedManifest(e.name(), pooling, slots, align, 0, n, o.dtype().name(), List.of(), null, null, null, listed);
        top.write(create(out, EmbedManifest.FILE));
        return top;
    }

    /** The path {@code out} gives for a file, its parent directories created. */
    private static Path create(Function<String, Path> out, String name) {
        Path p = out.apply(name);
        try {
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return p;
    }

    private static String json(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
