package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.query.Labels;
import dev.cossim.source.DType;
import dev.cossim.text.CorpusEmbedder;
import dev.cossim.text.EmbedManifest;
import dev.cossim.text.OnnxEmbedder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true, description = {
        "Embeds strings with a transformer into batch files that 'cossim query' reads.",
        "Default model: the embedded all-MiniLM-L6-v2, run by onnxruntime on the CPU. Writes DIR/batch_00000.npy ...",
        "with labels DIR/batch_00000.jsonl ... and DIR/embed.json (how the strings were embedded).",
        "Rows are mean-pooled vectors [rows, dim], or with --tokens every token's hidden state [rows, positions, dim]."})
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STRINGS", description = "One string per line, or a .jsonl file of JSON strings (as 'cossim substrings' writes).")
    Path input;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output directory (written whole, or not at all).")
    Path outDir;

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
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        var err = spec.commandLine().getErr();
        try (Labels strings = Labels.open(input);
             OnnxEmbedder e = model == null ? OnnxEmbedder.defaultModel(t)
                     : OnnxEmbedder.open(model, tokenizer != null ? tokenizer : model.toAbsolutePath().resolveSibling("tokenizer.json"), t);
             AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
            if (strings.size() == 0) {
                throw CossimException.inFile(input, "holds no strings");
            }
            err.printf(Locale.ROOT, "embedding %,d strings with %s (%s)%n", strings.size(), e.name(), tokens ? "per-token states" : "mean-pooled");
            long t0 = System.nanoTime();
            EmbedManifest m = CorpusEmbedder.write(e, strings::get, strings.size(),
                    new CorpusEmbedder.Options(tokens, positions, alignEnd, rowsPerFile, dt, batch), dir::file, ConsoleProgress.forStderr());
            dir.commit();
            var out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "wrote %,d rows in %d batch file(s) to %s: %s %s in %.1f s%n", m.rows(), m.files().size(), dir.target(), m.dtype(),
                    m.tokens() ? "[rows, " + m.positions() + ", " + m.dim() + "] (per-token, aligned at the " + m.align() + ")" : "[rows, " + m.dim() + "] (mean-pooled)",
                    (System.nanoTime() - t0) / 1e9);
            out.flush();
        }
        return 0;
    }
}
