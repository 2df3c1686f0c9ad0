package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.output.Tsv;
import dev.cossim.query.Corpus;
import dev.cossim.query.CorpusNorms;
import dev.cossim.query.NormSummary;
import dev.cossim.query.TokenCounts;
import dev.cossim.text.EmbedManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "norms", mixinStandardHelpOptions = true, description = {
        "Mean and standard deviation of vector norms per batch file and per token position.",
        "Norms that vary a lot (a large std / mean) favour cosine similarity over Euclidean distance.",
        "Over the top of a tree that 'embed --outputs' wrote: one line per output and layer, over all its files.",
        "Padding slots (known from the X.tokens files embed writes beside per-token batches) are left out."})
final class NormsCommand extends CorpusCommand implements Callable<Integer> {
    @Option(names = "--position", paramLabel = "T", description = "Only this token position of 3-D batches (default: every position).")
    Integer position;

    @Option(names = "--format", defaultValue = "text", description = "text or tsv. Default: ${DEFAULT-VALUE}.")
    String format;

    private static final String[] HEAD = {"position", "vectors", "mean", "std", "cv", "min", "max", "zero", "non-finite", "padding"};
    private static final String[] TSV_HEAD = {"position", "vectors", "mean", "std", "cv", "min", "max", "zero", "non_finite", "padding"};

    @Override
    public Integer call() {
        boolean tsv = switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "tsv" -> true;
            default -> throw new CossimException("--format " + format + ": choose text or tsv");
        };
        int threads = threads();
        EmbedManifest top = treeManifest();
        if (top != null) {
            tree(top, tsv, threads);
            return 0;
        }
        EmbedManifest m = corpus.size() == 1 && Files.isDirectory(corpus.getFirst()) ? EmbedManifest.find(corpus.getFirst()) : null;
        try (Corpus c = openCorpus()) {
            err().println(describe(c));
            TokenCounts tokens = m != null && m.tokens() ? TokenCounts.beside(c, m.alignEnd()) : null;
            List<CorpusNorms.Entry> es = CorpusNorms.compute(c, positions(c), tokens, threads, block, progress());
            var o = out();
            header(o, tsv, "%-24s ", "file");
            for (CorpusNorms.Entry e : es) {
                String file = e.batch() < 0 ? "(all files)" : c.batches().get(e.batch()).data().path().getFileName().toString();
                row(o, tsv, c, e, "%-24s ", file);
            }
            o.flush(); // print does not flush an auto-flushing PrintWriter; printf did
        }
        return 0;
    }

    /** The notebook's table: per output (component), per layer, the norms over all files at each position. */
    private void tree(EmbedManifest top, boolean tsv, int threads) {
        Path root = corpus.getFirst();
        List<EmbedManifest.Output> outs = new ArrayList<>(top.outputs());
        List<String> order = outs.stream().map(NormsCommand::name).distinct().toList();
        outs.sort(Comparator.comparing((EmbedManifest.Output x) -> order.indexOf(name(x)))
                .thenComparing(x -> x.layer() == null ? -1 : x.layer()));
        err().printf(Locale.ROOT, "tree: %d outputs of %s, %,d rows each%n", outs.size(), top.model(), top.rows());
        var o = out();
        header(o, tsv, "%-10s %5s ", "output", "layer");
        for (EmbedManifest.Output out : outs) {
            try (Corpus c = Corpus.open(List.of(root.resolve(out.dir())), null, null)) {
                TokenCounts tokens = top.tokens() ? TokenCounts.beside(c, top.alignEnd()) : null;
                String layer = out.layer() == null ? "-" : Integer.toString(out.layer());
                for (CorpusNorms.Entry e : CorpusNorms.compute(c, positions(c), tokens, threads, block, progress())) {
                    if (e.batch() < 0) {
                        row(o, tsv, c, e, "%-10s %5s ", name(out), layer);
                    }
                }
            }
        }
        o.flush();
    }

    private static String name(EmbedManifest.Output o) {
        return o.component() != null ? o.component() : o.tensor();
    }

    /** The top manifest when the one corpus argument is the top of a tree of outputs, else null. */
    private EmbedManifest treeManifest() {
        if (corpus.size() != 1 || !Files.isDirectory(corpus.getFirst())) {
            return null;
        }
        EmbedManifest m = EmbedManifest.find(corpus.getFirst());
        return m != null && m.isTree() ? m : null;
    }

    private int[] positions(Corpus c) {
        return c.rank() == 2 ? new int[]{0}
                : position != null ? new int[]{c.position(position)} : IntStream.range(0, c.positions()).toArray();
    }

    /** The header line; {@code lead} formats the leading columns {@code first}. */
    private static void header(java.io.PrintWriter o, boolean tsv, String lead, String... first) {
        if (tsv) {
            o.print(Tsv.line(cat(first, TSV_HEAD)));
        } else {
            o.printf(Locale.ROOT, lead + "%8s %12s %12s %12s %7s %12s %12s %8s %10s %8s%n", (Object[]) cat(first, HEAD));
        }
    }

    private static void row(java.io.PrintWriter o, boolean tsv, Corpus c, CorpusNorms.Entry e, String lead, String... first) {
        NormSummary s = e.summary();
        if (tsv) {
            o.print(Tsv.line(cat(first, cells(c, e, s))));
        } else {
            Object[] rest = {pos(c, e), s.count(), s.mean(), s.std(), s.std() / s.mean(), s.min(), s.max(), s.zero(), s.nonFinite(), e.padding()};
            Object[] all = java.util.Arrays.copyOf(first, first.length + rest.length, Object[].class);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            o.printf(Locale.ROOT, lead + "%8s %12d %12.6f %12.6f %7.4f %12.6f %12.6f %8d %10d %8d%n", all);
        }
    }

    private static String pos(Corpus c, CorpusNorms.Entry e) {
        return c.rank() == 2 ? "-" : e.position() + "/" + (e.position() - c.positions());
    }

    private static String[] cells(Corpus c, CorpusNorms.Entry e, NormSummary s) {
        return new String[]{pos(c, e), Long.toString(s.count()), f("%.6f", s.mean()), f("%.6f", s.std()), f("%.4f", s.std() / s.mean()),
                f("%.6f", s.min()), f("%.6f", s.max()), Long.toString(s.zero()), Long.toString(s.nonFinite()), Long.toString(e.padding())};
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String f(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
