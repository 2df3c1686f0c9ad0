package dev.cossim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.Nearest;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Selection;
import dev.cossim.output.Tsv;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.text.HfTokenizer;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "neighbors", aliases = "neighbours", description = "Nearest neighbours of a token (or the mean of a word's tokens) by cosine, correlation, dot or euclidean distance.")
final class NeighborsCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", paramLabel = "[MODEL] WORD|ID", description = "Optional model, then a word, token or row id.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "How many neighbours (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "cosine",
            description = "cosine, correlation, dot, or euclidean (nearest = smallest distance). Default: ${DEFAULT-VALUE}.")
    String metricName;

    @Option(names = "--format", defaultValue = "text", description = "text, tsv or json. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the list to FILE (default: standard output).")
    Path outFile;

    @Mixin
    RowSelectionOptions select;

    @Override
    public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!List.of("text", "tsv", "json").contains(fmt)) {
            throw new CossimException("--format " + format + ": choose text, tsv or json");
        }
        Metric metric = Metric.parse(metricName);
        String modelSpec = modelOf(args, 1, "[MODEL] WORD|ID");
        String word = rest(args, 1).getFirst();
        try (EmbeddingModel m = openModel(modelSpec); HfTokenizer tok = tokenizer(modelSpec)) {
            Term t = Term.resolve(word, m, tok, "WORD");
            Selection sel = select.selection();
            double[] q = t.meanVector(m);
            if (Analysis.unit(q) == null) {
                throw new CossimException("WORD '" + word + "': its embedding is a zero vector or not finite, so it has no neighbours");
            }
            Nearest nb = Analysis.of(m).metric(metric).rows(sel).kernel(engine.kernelName()).log(EngineOptions.kernelLog(err()))
                    .nearest(q, k, t.single() ? t.id() : -1);
            Vocabulary v = m.vocabulary();
            String text = switch (fmt) {
                case "tsv" -> tsv(nb, v, metric);
                case "json" -> json(nb, v, metric, t, m, sel);
                default -> printout(nb, v, metric, t, m, sel);
            };
            if (outFile != null) {
                CorpusCommand.writeAtomically(outFile, text);
                err().println("wrote: " + outFile);
            } else {
                out().print(text);
                out().flush();
            }
        }
        return 0;
    }

    private static String printout(Nearest nb, Vocabulary v, Metric metric, Term t, EmbeddingModel m, Selection sel) {
        StringBuilder o = new StringBuilder();
        o.append("nearest neighbours of ").append(t.describe()).append(" by ").append(metric == Metric.COSINE ? "cosine similarity" : metric.label()).append('\n');
        o.append("model: ").append(m.description())
                .append(nb.excluded() > 0 ? " (" + nb.excluded() + " zero or non-finite rows left out)" : "").append('\n');
        if (!sel.isAll()) {
            o.append(String.format(Locale.ROOT, "among:  %,d rows (%s)%n", nb.searched(), sel.describe()));
        }
        o.append(metric == Metric.COSINE ? " rank      id  similarity  token\n" : String.format(Locale.ROOT, " rank      id  %10s  token%n", metric.label()));
        for (int r = 0; r < nb.ids().length; r++) {
            o.append(String.format(Locale.ROOT, "%5d %7d  %10.6f  %s%n", r + 1, nb.ids()[r], nb.similarities()[r], v.display(nb.ids()[r])));
        }
        return o.toString();
    }

    private static String tsv(Nearest nb, Vocabulary v, Metric metric) {
        StringBuilder o = new StringBuilder(Tsv.line("rank", "id", "token", metric.label()));
        for (int r = 0; r < nb.ids().length; r++) {
            o.append(Tsv.line(Integer.toString(r + 1), Integer.toString(nb.ids()[r]), v.display(nb.ids()[r]), Float.toString(nb.similarities()[r])));
        }
        return o.toString();
    }

    private static String json(Nearest nb, Vocabulary v, Metric metric, Term t, EmbeddingModel m, Selection sel) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("query", t.describe());
        root.put("model", m.description());
        root.put("metric", metric.label());
        root.put("selection", sel.describe());
        root.put("searched", nb.searched());
        root.put("excluded", nb.excluded());
        ArrayNode list = root.putArray("neighbors");
        for (int r = 0; r < nb.ids().length; r++) {
            ObjectNode e = list.addObject();
            e.put("rank", r + 1);
            e.put("id", nb.ids()[r]);
            e.put("token", v.display(nb.ids()[r]));
            e.put("value", (double) nb.similarities()[r]);
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
