package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.query.Labels;
import dev.cossim.source.DType;
import dev.cossim.text.BlockOutputs;
import dev.cossim.text.CorpusEmbedder;
import dev.cossim.text.EmbedManifest;
import dev.cossim.text.OnnxEmbedder;
import dev.cossim.text.OnnxGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true, description = {
        "Embeds strings with a transformer into batch files that 'cossim query' reads.",
        "Default model: the embedded all-MiniLM-L6-v2, run by onnxruntime on the CPU. Writes DIR/batch_00000.npy ...",
        "with labels DIR/batch_00000.jsonl ... and DIR/embed.json (how the strings were embedded).",
        "Rows are mean-pooled vectors [rows, dim], or with --tokens every token's hidden state [rows, positions, dim].",
        "With --outputs, block intermediates instead (hidden, attention, ffn per layer, or any tensor of the ONNX graph by",
        "name), one batch tree each: DIR/layer03/attention/batch_00000.npy ...; --list-outputs shows what a model offers."})
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STRINGS", arity = "0..1", description = "One string per line, or a .jsonl file of JSON strings (as 'cossim substrings' writes).")
    Path input;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output directory (written whole, or not at all).")
    Path outDir;

    @Option(names = "--outputs", split = ",", paramLabel = "LIST",
            description = "Block intermediates to write instead of the last hidden state: hidden (residual stream after the block), "
                    + "attention (attention output projection), ffn (feed-forward output), and/or tensor names of the ONNX graph; "
                    + "one batch tree per layer and output, DIR/layer03/attention/...")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--layers", paramLabel = "LIST", description = "With --outputs: the layers, e.g. 0,3,5 or 0-2 (default: all).")
    String layers;

    @Option(names = "--list-outputs", description = "List the layers and outputs the model offers (with --verbose every tensor name) and exit.")
    boolean listOutputs;

    @Option(names = "--tokens", description = "Write every token's last hidden state (3-D) instead of the mean-pooled vector (2-D).")
    boolean tokens;

    // No defaultValue: picocli would apply it after the hidden alias below and undo it (the field's value is the default).
    @Option(names = "--token-slots", paramLabel = "T",
            description = "With --tokens: token slots per row, the positions that query --position picks from (default: the longest string's token count).")
    int positions = 0;

    /** The earlier spelling (it read like query's --position, which picks one slot), kept working. */
    @Option(names = "--positions", hidden = true)
    void legacyPositions(int t) {
        positions = t;
    }

    @Option(names = "--align", defaultValue = "end",
            description = "With --tokens: end puts each string's last token ([SEP]) in the last slot, so position -2 is its last word piece; start from slot 0. Padding slots are zero vectors. Default: ${DEFAULT-VALUE}.")
    String align;

    @Option(names = "--rows-per-file", paramLabel = "N", defaultValue = "10000", description = "Rows per batch file (default: ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Option(names = "--dtype", defaultValue = "f32", description = "f32 or f16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Strings per inference run (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--model", paramLabel = "ONNX", description = "Another BERT-style ONNX model (inputs input_ids, attention_mask[, token_type_ids]; output last_hidden_state).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "JSON", description = "tokenizer.json of --model (default: beside it).")
    Path tokenizer;

    @Option(names = "--threads", paramLabel = "N", description = "onnxruntime threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (listOutputs) {
            listOutputs(source());
            return 0;
        }
        if (input == null || outDir == null) {
            throw new CossimException("embed needs STRINGS and -o DIR (or --list-outputs)");
        }
        if (layers != null && outputs.isEmpty()) {
            throw new CossimException("--layers " + layers + ": choose the outputs too, e.g. --outputs hidden,attention,ffn");
        }
        DType dt = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            default -> throw new CossimException("--dtype " + dtype + ": choose f32 or f16");
        };
        boolean alignEnd = switch (align.toLowerCase(Locale.ROOT)) {
            case "end" -> true;
            case "start" -> false;
            default -> throw new CossimException("--align " + align + ": choose end or start");
        };
        if (rowsPerFile < 1 || batch < 1 || positions < 0) {
            throw new CossimException("--rows-per-file and --batch must be at least 1, --positions 0 or more");
        }
        CorpusCommand.requireNoBatches(outDir);
        EmbedManifest before = Files.isDirectory(outDir) ? EmbedManifest.find(outDir) : null;
        if (before != null && (before.isTree() || !outputs.isEmpty())) {
            throw CossimException.inFile(outDir, "already holds an embed.json; write to a new directory (or remove it)");
        }
        var err = spec.commandLine().getErr();
        boolean existed = Files.isDirectory(outDir);
        try (Labels strings = Labels.open(input)) {
            if (strings.size() == 0) {
                throw CossimException.inFile(input, "holds no strings");
            }
            OnnxEmbedder.Source src = source();
            List<BlockOutputs.Capture> captures = outputs.isEmpty() ? List.of() : BlockOutputs.of(src.graph()).resolve(outputs, layers);
            try (OnnxEmbedder e = OnnxEmbedder.create(src, t, captures.stream().map(BlockOutputs.Capture::tensor).toList());
                 AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                err.printf(Locale.ROOT, "embedding %,d strings with %s (%s)%s%n", strings.size(), e.name(), tokens ? "per-token states" : "mean-pooled",
                        captures.isEmpty() ? "" : String.format(Locale.ROOT, ": %d output%s (%s)", captures.size(), captures.size() == 1 ? "" : "s", summary(captures)));
                long t0 = System.nanoTime();
                EmbedManifest m = CorpusEmbedder.write(e, strings::get, strings.size(),
                        new CorpusEmbedder.Options(tokens, positions, alignEnd, rowsPerFile, dt, batch), captures, name -> {
                            // Into an existing directory each file is written beside its final path: its folder must exist.
                            if (existed) {
                                mkdirs(dir.finalPath(name).getParent());
                            }
                            return dir.file(name);
                        }, ConsoleProgress.forStderr());
                dir.commit();
                var out = spec.commandLine().getOut();
                String layout = m.tokens() ? "[rows, " + m.positions() + ", " + (m.isTree() ? "dim" : m.dim()) + "] (per-token, aligned at the " + m.align() + ")"
                        : "[rows, " + (m.isTree() ? "dim" : m.dim()) + "] (mean-pooled)";
                if (m.isTree()) {
                    out.printf(Locale.ROOT, "wrote %,d rows x %d output%s (%s) to %s/LAYER/OUTPUT: %s %s in %.1f s%n", m.rows(), m.outputs().size(),
                            m.outputs().size() == 1 ? "" : "s",
                            summary(captures), dir.target(), m.dtype(), layout, (System.nanoTime() - t0) / 1e9);
                } else {
                    out.printf(Locale.ROOT, "wrote %,d rows in %d batch file(s) to %s: %s %s in %.1f s%n", m.rows(), m.files().size(), dir.target(), m.dtype(),
                            layout, (System.nanoTime() - t0) / 1e9);
                }
                out.flush();
            }
        }
        return 0;
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw CossimException.inFile(p, "cannot create directory: " + e.getMessage());
        }
    }

    private OnnxEmbedder.Source source() {
        return model == null ? OnnxEmbedder.Source.defaultModel()
                : OnnxEmbedder.Source.open(model, tokenizer != null ? tokenizer : model.toAbsolutePath().resolveSibling("tokenizer.json"));
    }

    /** "layers 0-5 x hidden, attention, ffn" and any tensors by name. */
    private static String summary(List<BlockOutputs.Capture> captures) {
        List<Integer> ls = captures.stream().map(BlockOutputs.Capture::layer).filter(java.util.Objects::nonNull).distinct().toList();
        List<String> cs = captures.stream().map(BlockOutputs.Capture::component).filter(java.util.Objects::nonNull).distinct().toList();
        List<String> named = captures.stream().filter(c -> c.layer() == null).map(BlockOutputs.Capture::tensor).toList();
        List<String> parts = new ArrayList<>();
        if (!ls.isEmpty()) {
            parts.add((ls.size() == 1 ? "layer " : "layers ") + ranges(ls) + " x " + String.join(", ", cs));
        }
        parts.addAll(named);
        return String.join("; ", parts);
    }

    /** Sorted layer numbers with runs written as ranges: 0-2,5. */
    static String ranges(List<Integer> ls) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ls.size(); i++) {
            int j = i;
            while (j + 1 < ls.size() && ls.get(j + 1) == ls.get(j) + 1) {
                j++;
            }
            b.append(b.isEmpty() ? "" : ",").append(ls.get(i)).append(j > i + 1 ? "-" + ls.get(j) : j == i + 1 ? "," + ls.get(j) : "");
            i = j;
        }
        return b.toString();
    }

    private void listOutputs(OnnxEmbedder.Source src) {
        OnnxGraph g = src.graph();
        BlockOutputs b = BlockOutputs.of(g);
        var out = spec.commandLine().getOut();
        out.println("model: " + src.name());
        out.println("graph: " + g.nodes().size() + " nodes, " + b.tensors().size() + " tensors; outputs: " + String.join(", ", g.outputs()));
        List<Integer> ls = b.layers();
        if (ls.isEmpty()) {
            out.println("layers: none found (no nodes named .../layer.N/...): give tensor names to --outputs (--verbose lists them)");
        } else {
            out.printf(Locale.ROOT, "layers: %d (%d-%d; --layers all, or e.g. %d,%d)%n", ls.size(), ls.getFirst(), ls.getLast(), ls.getFirst(), ls.getLast());
            out.println("outputs (--outputs), the tensor of layer " + ls.getFirst() + ":");
            for (String c : BlockOutputs.COMPONENTS) {
                String tensor = b.tensor(ls.getFirst(), c);
                long found = ls.stream().filter(l -> b.tensor(l, c) != null).count();
                out.printf(Locale.ROOT, "  %-10s %s%n  %-10s %s%s%n", c, BlockOutputs.describe(c), "",
                        tensor == null ? "(not found)" : tensor, found < ls.size() ? String.format(Locale.ROOT, " (found in %d of %d layers)", found, ls.size()) : "");
            }
        }
        if (Main.verbose) {
            if (!ls.isEmpty()) {
                out.println("per layer:");
                for (int l : ls) {
                    for (String c : BlockOutputs.COMPONENTS) {
                        out.printf(Locale.ROOT, "  %2d %-10s %s%n", l, c, b.tensor(l, c) == null ? "(not found)" : b.tensor(l, c));
                    }
                }
            }
            out.println("every tensor a node produces (op: tensor), any of which --outputs takes by name:");
            for (OnnxGraph.Node n : g.nodes()) {
                for (String o : n.outputs()) {
                    out.printf(Locale.ROOT, "  %s: %s%n", n.op(), o);
                }
            }
        } else {
            out.println("(--verbose lists every layer's tensors and every tensor of the graph by name)");
        }
        out.flush();
    }
}
