package dev.cossim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.CossimException;
import dev.cossim.analysis.Search;
import dev.cossim.query.Corpus;
import dev.cossim.matrix.Metric;
import dev.cossim.kernel.TileKernel;
import dev.cossim.query.QueryEngine;
import dev.cossim.output.Tsv;
import dev.cossim.text.BlockOutputs;
import dev.cossim.text.EmbedManifest;
import dev.cossim.text.OnnxEmbedder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "query", mixinStandardHelpOptions = true, description = {
        "Exact top-k most similar stored vectors per query over all batch files of a corpus.",
        "Batches are memory-mapped and streamed, so the corpus may be far larger than memory.",
        "Queries: --label (corpus rows), --queries (a vectors file), --text (strings, embedded as the corpus was: as its",
        "embed.json says, else mean-pooled by the embedded all-MiniLM-L6-v2), answered in that order."})
final class QueryCommand extends CorpusCommand implements Callable<Integer> {
    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Results per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--metric", defaultValue = "cosine", description = "cosine, correlation (Pearson r) or dot (largest first), euclidean (smallest first). Default: ${DEFAULT-VALUE}.")
    String metricName;

    @Option(names = "--position", paramLabel = "T",
            description = "Token position of 3-D [rows, positions, dim] batches; negative counts from the end (-1: the last).")
    Integer position;

    @Option(names = "--text", paramLabel = "STRING", description = "A query string, embedded with the model (repeatable).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--label", paramLabel = "LABEL", description = "A query: the corpus row with this label (repeatable).")
    List<String> queryLabels = new ArrayList<>();

    @Option(names = "--queries", paramLabel = "FILE", description = "Query vectors: a .npy, .safetensors, .pt or .npz file [q, dim] (or [q, positions, dim]), labels beside it.")
    Path queriesFile;

    @Option(names = "--model", paramLabel = "ONNX", description = "ONNX transformer for --text (default: the corpus's embed.json, else the embedded all-MiniLM-L6-v2).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "JSON", description = "tokenizer.json of --model (default: beside it).")
    Path tokenizer;

    @Option(names = "--query-output", paramLabel = "OUTPUT",
            description = "For --text over a corpus of block intermediates ('embed --outputs'): embed the query through this output "
                    + "of the corpus's layer (hidden, attention, ffn) or ONNX tensor instead of the corpus's own (default: the same).")
    String queryOutput;

    @Option(names = "--format", defaultValue = "text", description = "text (as the seed prints), tsv or json. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write results to FILE (default: standard output).")
    Path outFile;

    @picocli.CommandLine.Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    /** A query vector and the name it goes by. */
    private record Query(String name, double[] vector) {
    }

    @Override
    public Integer call() {
        Metric metric = Metric.parse(metricName);
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!List.of("text", "tsv", "json").contains(fmt)) {
            throw new CossimException("--format " + format + ": choose text, tsv or json");
        }
        if (texts.isEmpty() && queryLabels.isEmpty() && queriesFile == null) {
            throw new CossimException("no queries: give --text STRING, --label LABEL or --queries FILE");
        }
        if (queryOutput != null && texts.isEmpty()) {
            throw new CossimException("--query-output " + queryOutput + ": it says how --text strings are embedded; give --text STRING");
        }
        int threads = threads();
        Search search = checkpoint.apply(Search.of(metric, k).kernel(kernel()).threads(threads).block(block).progress(progress())
                .log(EngineOptions.kernelLog(err()))).start();
        try (Corpus c = openCorpus()) {
            int pos = c.position(position);
            err().println(describe(c) + (c.rank() == 3 ? ", position " + pos : ""));
            List<Query> queries = new ArrayList<>();
            queries.addAll(labelQueries(c, pos));
            queries.addAll(fileQueries(c));
            queries.addAll(textQueries(c, pos, threads));
            double[][] vectors = queries.stream().map(Query::vector).toArray(double[][]::new);
            List<String> names = queries.stream().map(q -> "query '" + q.name() + "'").toList();
            QueryEngine.Result r = search.batchLog(c.batches().size() > 1 ? line -> err().println(line) : null)
                    .run(c, pos, vectors, names);
            err().printf(Locale.ROOT, "searched %,d rows x %d queries in %.3f s (%s, %d threads, %s kernel%s)%s%n", r.scanned(), queries.size(),
                    r.seconds(), metric.label(), threads, search.kernel().name(),
                    r.warmUpWait() >= 0.005 ? String.format(Locale.ROOT, "; after %.2f s waiting for the JIT warm-up", r.warmUpWait()) : "",
                    skipped(r));
            String text = switch (fmt) {
                case "tsv" -> tsv(c, queries, r);
                case "json" -> json(c, queries, r);
                default -> printout(c, queries, r);
            };
            if (outFile != null) {
                writeAtomically(outFile, text);
                err().println("wrote: " + outFile);
            } else {
                out().print(text);
                out().flush();
            }
        }
        return 0;
    }

    private static String skipped(QueryEngine.Result r) {
        if (r.zeroRows() == 0 && r.nonFiniteRows() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; skipped %,d zero and %,d non-finite rows", r.zeroRows(), r.nonFiniteRows());
    }

    private List<Query> labelQueries(Corpus c, int pos) {
        List<Query> out = new ArrayList<>();
        for (String l : queryLabels) {
            long row = c.find(l);
            if (row < 0) {
                throw new CossimException("--label '" + l + "': no corpus row has this label");
            }
            out.add(new Query(l, c.vector(row, pos)));
        }
        return out;
    }

    private List<Query> fileQueries(Corpus c) {
        if (queriesFile == null) {
            return List.of();
        }
        List<Query> out = new ArrayList<>();
        try (Corpus q = Corpus.open(List.of(queriesFile), tensor, null)) {
            if (q.dim() != c.dim()) {
                throw CossimException.inFile(queriesFile, "query vectors have dimension " + q.dim() + ", the corpus has " + c.dim());
            }
            int qp = q.position(q.rank() == 3 ? position : null);
            for (long i = 0; i < q.rows(); i++) {
                String name = q.batches().getFirst().labels() != null ? q.label(i) : "query " + i;
                out.add(new Query(name, q.vector(i, qp)));
            }
        }
        return out;
    }

    private List<Query> textQueries(Corpus c, int pos, int threads) {
        if (texts.isEmpty()) {
            return List.of();
        }
        EmbedManifest m = corpus.size() == 1 && Files.isDirectory(corpus.getFirst()) ? EmbedManifest.find(corpus.getFirst()) : null;
        if (m == null) {
            if (c.rank() == 3) {
                throw new CossimException("--text: the corpus has no embed.json saying how its per-token states were laid out; "
                        + "embed the query strings with 'cossim embed' and pass them with --queries");
            }
            m = new EmbedManifest("default", "mean", 0, "start", c.dim(), 0, "F32", List.of(), null, null, null, null);
        } else if (m.tokens() && m.positions() != c.positions()) {
            throw new CossimException(corpus.getFirst() + ": embed.json says " + m.positions() + " positions, the batches hold " + c.positions());
        }
        List<Query> out = new ArrayList<>();
        OnnxEmbedder.Source src = source(m);
        String tensor = queryTensor(m, src);
        try (OnnxEmbedder e = OnnxEmbedder.create(src, threads, tensor.equals(OnnxEmbedder.OUTPUT) ? List.of() : List.of(tensor))) {
            for (String t : texts) {
                float[] v = m.embed(e, t, pos, tensor);
                if (v.length != c.dim()) {
                    throw new CossimException("--text: the model's " + tensor + " has " + v.length + " dimensions, the corpus holds " + c.dim());
                }
                double[] d = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    d[i] = v[i];
                }
                out.add(new Query(t, d));
            }
        }
        return out;
    }

    private OnnxEmbedder.Source source(EmbedManifest m) {
        Path onnx = model;
        if (onnx == null && m.model() != null && m.model().endsWith(".onnx")) {
            onnx = Path.of(m.model());
        }
        if (onnx == null) {
            return OnnxEmbedder.Source.defaultModel();
        }
        Path tok = tokenizer != null ? tokenizer : onnx.toAbsolutePath().resolveSibling("tokenizer.json");
        return OnnxEmbedder.Source.open(onnx, tok);
    }

    /** The ONNX tensor a query string goes through: the corpus's, or --query-output of the corpus's layer. */
    private String queryTensor(EmbedManifest m, OnnxEmbedder.Source src) {
        if (queryOutput == null) {
            return m.tensorName();
        }
        BlockOutputs b = BlockOutputs.of(src.graph());
        String c = queryOutput.toLowerCase(Locale.ROOT);
        if (BlockOutputs.COMPONENTS.contains(c)) {
            if (m.layer() == null) {
                throw new CossimException("--query-output " + queryOutput + ": the corpus is not one layer's output ('embed --outputs' writes those), so it has no layer to take "
                        + c + " from; name an ONNX tensor instead");
            }
            String t = b.tensor(m.layer(), c);
            if (t == null) {
                throw new CossimException("--query-output " + queryOutput + ": no " + c + " tensor found in layer " + m.layer() + " of " + src.name());
            }
            return t;
        }
        if (!b.tensors().contains(queryOutput)) {
            throw new CossimException("--query-output " + queryOutput + ": neither an output (" + String.join(", ", BlockOutputs.COMPONENTS)
                    + ") nor a tensor of " + src.name() + " ('embed --list-outputs --verbose' lists them)");
        }
        return queryOutput;
    }

    /** The seed notebook's printout: each query, then its hits as repr(label) right-aligned in 14 columns and the score. */
    private static String printout(Corpus c, List<Query> queries, QueryEngine.Result r) {
        StringBuilder b = new StringBuilder();
        for (int q = 0; q < queries.size(); q++) {
            b.append("Closest to ").append(PyRepr.of(queries.get(q).name())).append(":\n");
            for (QueryEngine.Hit h : r.hits().get(q)) {
                b.append(String.format(Locale.ROOT, "\t%14s (%.3f)%n", PyRepr.of(c.label(h.row())), h.score()));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String tsv(Corpus c, List<Query> queries, QueryEngine.Result r) {
        StringBuilder b = new StringBuilder(Tsv.line("query", "rank", "row", "file", "file_row", "score", "label"));
        for (int q = 0; q < queries.size(); q++) {
            QueryEngine.Hit[] hits = r.hits().get(q);
            for (int i = 0; i < hits.length; i++) {
                Corpus.Location l = c.locate(hits[i].row());
                b.append(Tsv.line(queries.get(q).name(), Integer.toString(i + 1), Long.toString(hits[i].row()),
                        l.batch().data().path().getFileName().toString(), Long.toString(l.row()),
                        String.format(Locale.ROOT, "%.9g", hits[i].score()), c.label(hits[i].row())));
            }
        }
        return b.toString();
    }

    private static String json(Corpus c, List<Query> queries, QueryEngine.Result r) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("metric", r.metric().label());
        root.put("k", r.k());
        if (c.rank() == 3) {
            root.put("position", r.position());
        }
        root.put("rows", r.scanned());
        root.put("skipped_zero_rows", r.zeroRows());
        root.put("skipped_non_finite_rows", r.nonFiniteRows());
        ArrayNode qs = root.putArray("queries");
        for (int q = 0; q < queries.size(); q++) {
            ObjectNode qn = qs.addObject();
            qn.put("query", queries.get(q).name());
            ArrayNode hs = qn.putArray("hits");
            QueryEngine.Hit[] hits = r.hits().get(q);
            for (int i = 0; i < hits.length; i++) {
                Corpus.Location l = c.locate(hits[i].row());
                ObjectNode h = hs.addObject();
                h.put("rank", i + 1);
                h.put("row", hits[i].row());
                h.put("file", l.batch().data().path().toString());
                h.put("file_row", l.row());
                h.put("score", hits[i].score());
                h.put("label", c.label(hits[i].row()));
            }
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
