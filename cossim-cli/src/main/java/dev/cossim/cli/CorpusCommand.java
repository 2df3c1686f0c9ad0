package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.TileKernel;
import dev.cossim.output.AtomicFile;
import dev.cossim.query.Corpus;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options of the commands that read a corpus of batch files (query, norms), and their shared helpers. */
abstract class CorpusCommand {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "CORPUS", description = "Batch files (.npy, .safetensors, .pt, .npz) or directories of them.")
    List<Path> corpus = new ArrayList<>();

    @Option(names = "--labels", arity = "1..*", paramLabel = "FILE",
            description = "Label files, one per batch in batch order (default: X.jsonl, X.txt or X.labels beside each X.npy).")
    List<Path> labels;

    @Option(names = "--tensor", paramLabel = "NAME", description = "Tensor to read from batches holding several (safetensors, .pt state dicts, .npz).")
    String tensor;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--block", paramLabel = "ROWS", hidden = true, description = "Rows read and scored per block.")
    int block = dev.cossim.query.QueryEngine.DEFAULT_BLOCK;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    int threads() {
        int t = engine.threads();
        if (block < 1) {
            throw new CossimException("--block " + block + ": must be at least 1");
        }
        return t;
    }

    /** The kernel for a scan of the corpus; with --verbose, the line saying which runs and why. */
    TileKernel kernel() {
        return engine.kernel(err());
    }

    ProgressListener progress() {
        return ConsoleProgress.forStderr();
    }

    Corpus openCorpus() {
        for (Path p : corpus) {
            refuseTree(p, Files.isDirectory(p) ? dev.cossim.text.EmbedManifest.find(p) : null);
        }
        return Corpus.open(corpus, tensor, labels);
    }

    /** Refuses the top of a tree of batch trees (its manifest {@code m}; null: none), naming the trees. */
    static void refuseTree(Path p, dev.cossim.text.EmbedManifest m) {
        if (m != null && m.isTree()) {
            throw CossimException.inFile(p, "holds one batch tree per layer and output (" + p.resolve(m.outputs().getFirst().dir())
                    + ", ...): name one of them" + (m.outputs().size() > 1 ? " ('cossim norms' reads the whole tree)" : ""));
        }
    }

    /** The corpus described in one line (stderr). */
    static String describe(Corpus c) {
        return String.format(java.util.Locale.ROOT, "corpus: %d batch file(s), %,d rows, %s %s", c.batches().size(), c.rows(), c.dtype(),
                c.rank() == 3 ? "[rows, " + c.positions() + ", " + c.dim() + "]" : "[rows, " + c.dim() + "]");
    }

    /** Refuses an output directory that already holds batch files: a corpus read from it would mix old and new rows. */
    static void requireNoBatches(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var s = Files.list(dir)) {
            if (s.anyMatch(dev.cossim.query.BatchFile::isBatchFile)) {
                throw CossimException.inFile(dir, "already holds batch files; write to a new directory (or remove them)");
            }
        } catch (IOException e) {
            throw CossimException.inFile(dir, "cannot list directory: " + e.getMessage());
        }
    }

    /** Writes text to a file through a temporary name and a rename: never half-written. */
    static void writeAtomically(Path target, String text) {
        try {
            AtomicFile.writeString(target, text);
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot write: " + e.getMessage());
        }
    }
}
