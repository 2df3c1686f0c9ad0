package dev.cossim.cli;

import dev.cossim.matrix.NormStatistics;
import dev.cossim.query.CorpusModel;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.source.GgufFile;
import dev.cossim.source.TensorInfo;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Tensors, shapes, dtypes, vocabulary, norm statistics, zero and non-finite rows.")
final class InfoCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        String modelSpec = modelOf(args, 0, "[MODEL]");
        // Its warnings are part of the printout (below the vocabulary line), not repeated on stderr.
        try (EmbeddingModel m = CorpusModel.open(modelSpec, tensor(), vocab, position, tokenAlignment(modelSpec))) {
            PrintWriter o = out();
            o.println("model:        " + m.description());
            o.println("source:       " + m.file().origin());
            if (m.file() instanceof GgufFile g) {
                ggufLines(o, g);
            }
            List<TensorInfo> tensors = m.file().tensors();
            o.println("tensors:      " + tensors.size());
            int shown = 0;
            for (TensorInfo t : tensors) {
                if (shown++ == 12) {
                    o.println("              ... and " + (tensors.size() - 12) + " more");
                    break;
                }
                o.println("  " + (t.name().equals(m.matrix().name()) ? "* " : "  ") + t);
            }
            o.println("embeddings:   " + m.matrix().describe());
            Vocabulary v = m.vocabulary();
            if (v.size() == Integer.MAX_VALUE) {
                o.println("vocabulary:   none (rows are shown by id; give --vocab FILE for tokens)");
            } else {
                long unused = 0;
                for (int i = 0; i < v.size(); i++) {
                    String t = v.rawToken(i);
                    if (t != null && t.startsWith("[unused")) {
                        unused++;
                    }
                }
                o.println("vocabulary:   " + v.size() + " tokens" + (unused > 0 ? ", " + unused + " of them [unused...]" : "")
                        + (v.size() != m.rows() ? " (matrix has " + m.rows() + " rows)" : ""));
            }
            for (String w : m.warnings()) {
                o.println("warning:      " + w);
            }
            NormStatistics s = NormStatistics.of(m.matrix());
            o.printf(Locale.ROOT, "norms:        mean %.6f  std %.6f  min %.6f (%s)  max %.6f (%s)%n",
                    s.mean(), s.std(), s.min(), label(v, s.minRow()), s.max(), label(v, s.maxRow()));
            o.println("zero rows:    " + s.zeroRows());
            o.println("non-finite:   " + s.nonFiniteRows() + " rows with NaN or infinite values");
        }
        return 0;
    }

    /** What a GGUF file says about itself: version, architecture and name, its hyperparameters, tokenizer, types. */
    private static void ggufLines(PrintWriter o, GgufFile g) {
        o.println("gguf:         version " + g.version() + ", " + g.metadata().size() + " metadata keys, alignment " + g.alignment());
        String arch = g.string("general.architecture").orElse(null);
        g.string("general.name").ifPresent(n -> o.println("name:         " + n));
        if (arch != null) {
            List<String> hyper = new ArrayList<>();
            g.metadata().forEach((k, v) -> {
                if (k.startsWith(arch + ".") && (v instanceof Long || v instanceof Double)) {
                    hyper.add(k.substring(arch.length() + 1) + " " + v);
                }
            });
            o.println("architecture: " + arch + (hyper.isEmpty() ? "" : " (" + String.join(", ", hyper) + ")"));
        }
        if (g.metadata().get("tokenizer.ggml.tokens") instanceof GgufFile.Array a) {
            o.println("tokenizer:    " + g.string("tokenizer.ggml.model").orElse("(no tokenizer.ggml.model)") + ", " + a.length() + " tokens");
        }
        List<String> types = new ArrayList<>();
        g.typeCounts().forEach((t, n) -> types.add(t + " x" + n));
        o.println("tensor types: " + String.join(", ", types));
    }

    static String label(Vocabulary v, int id) {
        return id < 0 ? "-" : "id " + id + " \"" + v.display(id) + "\"";
    }
}
