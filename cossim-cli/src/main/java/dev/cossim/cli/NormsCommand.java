package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.output.Tsv;
import dev.cossim.query.Corpus;
import dev.cossim.query.CorpusNorms;
import dev.cossim.query.NormSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "norms", mixinStandardHelpOptions = true, description = {
        "Mean and standard deviation of vector norms per batch file and per token position.",
        "Norms that vary a lot (a large std / mean) favour cosine similarity over Euclidean distance."})
final class NormsCommand extends CorpusCommand implements Callable<Integer> {
    @Option(names = "--position", paramLabel = "T", description = "Only this token position of 3-D batches (default: every position).")
    Integer position;

    @Option(names = "--format", defaultValue = "text", description = "text or tsv. Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
        boolean tsv = switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "tsv" -> true;
            default -> throw new CossimException("--format " + format + ": choose text or tsv");
        };
        int threads = threads();
        try (Corpus c = openCorpus()) {
            err().println(describe(c));
            int[] positions = c.rank() == 2 ? new int[]{0}
                    : position != null ? new int[]{c.position(position)} : IntStream.range(0, c.positions()).toArray();
            List<CorpusNorms.Entry> es = CorpusNorms.compute(c, positions, threads, block, progress());
            var o = out();
            String fmt = "%-24s %8s %12d %12.6f %12.6f %7.4f %12.6f %12.6f %8d %10d%n";
            if (tsv) {
                o.print(Tsv.line("file", "position", "vectors", "mean", "std", "cv", "min", "max", "zero", "non_finite"));
            } else {
                o.printf(Locale.ROOT, "%-24s %8s %12s %12s %12s %7s %12s %12s %8s %10s%n",
                        "file", "position", "vectors", "mean", "std", "cv", "min", "max", "zero", "non-finite");
            }
            for (CorpusNorms.Entry e : es) {
                NormSummary s = e.summary();
                String file = e.batch() < 0 ? "(all files)" : c.batches().get(e.batch()).data().path().getFileName().toString();
                String pos = c.rank() == 2 ? "-" : e.position() + "/" + (e.position() - c.positions());
                if (tsv) {
                    o.print(Tsv.line(file, pos, Long.toString(s.count()), f("%.6f", s.mean()), f("%.6f", s.std()), f("%.4f", s.std() / s.mean()),
                            f("%.6f", s.min()), f("%.6f", s.max()), Long.toString(s.zero()), Long.toString(s.nonFinite())));
                } else {
                    o.printf(Locale.ROOT, fmt, file, pos, s.count(), s.mean(), s.std(), s.std() / s.mean(), s.min(), s.max(), s.zero(), s.nonFinite());
                }
            }
            o.flush(); // print does not flush an auto-flushing PrintWriter; printf did
        }
        return 0;
    }

    private static String f(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
