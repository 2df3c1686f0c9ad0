package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.Nearest;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.text.HfTokenizer;
import picocli.CommandLine.Command;
import dev.cossim.matrix.Selection;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "neighbors", aliases = "neighbours", description = "Nearest neighbours of a token by cosine similarity.")
final class NeighborsCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", paramLabel = "[MODEL] WORD|ID", description = "Optional model, then a word, token or row id.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "How many neighbours (default: ${DEFAULT-VALUE}).")
    int k;

    @Mixin
    SelectionOptions select;

    @Override
    public Integer call() {
        String modelSpec = modelOf(args, 1, "[MODEL] WORD|ID");
        String word = rest(args, 1).getFirst();
        try (EmbeddingModel m = openModel(modelSpec); HfTokenizer tok = tokenizer(modelSpec)) {
            Term t = Term.resolve(word, m, tok, "WORD");
            if (select.against != null) {
                throw new CossimException("--against: neighbors searches one set of rows; use --rows, --match, --stride or --sample to choose it");
            }
            Selection sel = select.selection();
            double[] q = t.meanVector(m);
            if (Analysis.unit(q) == null) {
                throw new CossimException("WORD '" + word + "': its embedding is a zero vector or not finite, so it has no cosine neighbours");
            }
            Nearest nb = Analysis.of(m).rows(sel).kernel(engine.kernelName()).log(err()::println).nearest(q, k, t.single() ? t.id() : -1);
            PrintWriter o = out();
            o.println("nearest neighbours of " + t.describe() + " by cosine similarity");
            o.println("model: " + m.description() + (nb.excluded() > 0 ? " (" + nb.excluded() + " zero or non-finite rows left out)" : ""));
            if (!sel.isAll()) {
                o.printf(Locale.ROOT, "among:  %,d rows (%s)%n", nb.searched(), sel.describe());
            }
            o.println(" rank      id  similarity  token");
            for (int r = 0; r < nb.ids().length; r++) {
                o.printf(Locale.ROOT, "%5d %7d  %10.6f  %s%n", r + 1, nb.ids()[r], nb.similarities()[r], m.vocabulary().display(nb.ids()[r]));
            }
        }
        return 0;
    }
}
