package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.TileKernel;
import dev.cossim.source.DefaultModel;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.query.CorpusModel;
import dev.cossim.text.EmbedManifest;
import dev.cossim.text.HfTokenizer;
import picocli.CommandLine.Model.CommandSpec;
import dev.cossim.options.TensorOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Options every model-reading command shares, and the helpers that open models, tokenizers and kernels. */
abstract class ModelCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    TensorOption tensorOption = new TensorOption();

    @Option(names = "--vocab", paramLabel = "FILE", description = "tokenizer.json or vocab.txt (default: the one beside the model).")
    Path vocab;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--position", paramLabel = "T",
            description = "When MODEL is a corpus of 3-D [rows, positions, dim] batch files: the token position whose vectors are the rows; negative counts from the end (-1: the last).")
    Integer position;

    /** The --tensor name, or null for the token embeddings found by name. */
    String tensor() {
        return tensorOption.tensor;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    int threads() {
        return engine.threads();
    }

    /** The model, or a corpus of batch files read as one ({@link CorpusModel}) at --position. */
    EmbeddingModel openModel(String modelSpec) {
        return warned(CorpusModel.open(modelSpec, tensor(), vocab, position, tokenAlignment(modelSpec)));
    }

    /** The model, after printing its warnings ({@link EmbeddingModel#warnings}) on stderr. */
    EmbeddingModel warned(EmbeddingModel m) {
        m.warnings().forEach(this::warn);
        return m;
    }

    /** One warning line on stderr: the run goes on. */
    void warn(String line) {
        err().println("cossim: warning: " + line);
    }

    /** The analysis of the model (or corpus) {@code modelSpec}, opened when it runs (its warnings on stderr). */
    Analysis analysis(String modelSpec) {
        return Analysis.open(modelSpec, tensor(), vocab).position(position, tokenAlignment(modelSpec)).warnings(this::warn);
    }

    /**
     * How per-token batches fill their slots, as the embed.json beside a corpus says (true: aligned at the end), or
     * null when there is none or it is mean-pooled; the top of a tree of batch trees is refused with its trees.
     */
    static Boolean tokenAlignment(String modelSpec) {
        if (modelSpec == null) {
            return null;
        }
        Path p = Path.of(modelSpec);
        Path dir = Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
        if (dir == null || !Files.isRegularFile(dir.resolve(EmbedManifest.FILE))) {
            return null;
        }
        EmbedManifest m = EmbedManifest.find(dir);
        CorpusCommand.refuseTree(p, m);
        return m.tokens() ? m.alignEnd() : null;
    }

    TileKernel kernel() {
        return engine.kernel(err());
    }

    ProgressListener progress() {
        return ConsoleProgress.forStderr();
    }

    /** The real tokenizer for this model: the default model's, a tokenizer.json given or beside it; else null. */
    HfTokenizer tokenizer(String modelSpec) {
        if (vocab != null) {
            return vocab.getFileName().toString().endsWith(".json") ? HfTokenizer.open(vocab) : null;
        }
        if (modelSpec == null) {
            return DefaultModel.available() ? HfTokenizer.defaultModel() : null;
        }
        Path p = Path.of(modelSpec).toAbsolutePath();
        Path dir = Files.isDirectory(p) ? p : p.getParent();
        Path tj = dir == null ? null : dir.resolve("tokenizer.json");
        return tj != null && Files.isRegularFile(tj) ? HfTokenizer.open(tj) : null;
    }

    /** Splits positional arguments into an optional leading MODEL and the {@code needed} arguments after it. */
    static String modelOf(List<String> args, int needed, String usage) {
        if (args.size() == needed) {
            return null;
        }
        if (args.size() == needed + 1) {
            return args.getFirst();
        }
        throw new CossimException("expected " + usage + ", got " + args.size() + " argument(s)");
    }

    static List<String> rest(List<String> args, int needed) {
        return args.subList(args.size() - needed, args.size());
    }
}
