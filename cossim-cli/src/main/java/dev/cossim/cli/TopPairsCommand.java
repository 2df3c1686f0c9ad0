package dev.cossim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.matrix.Metric;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import dev.cossim.results.Pair;

@Command(name = "top-pairs", description = "The M most similar pairs overall (or the least similar with --least), each unordered pair once; ties go to the lower ids.")
final class TopPairsCommand extends AnalysisCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    // No defaultValue: picocli would apply it after the hidden -k alias below and undo it (the field's value is the default).
    @Option(names = {"-n", "--count"}, paramLabel = "M", description = "How many pairs. Default: ${DEFAULT-VALUE}.")
    int count = 20;

    /** How many results, spelled as the other commands spell it: {@code top-pairs -k 10} is 10 pairs. */
    @Option(names = {"-k", "--top-k"}, hidden = true)
    void topK(int m) {
        count = m;
    }

    @Option(names = "--least", description = "The least similar pairs instead (for euclidean: the farthest).")
    boolean least;

    @Override
    public Integer call() throws IOException {
        Metric metric = metric();
        AnalysisResult r = checkpoint.apply(request(metric).topPairs(count, least)).run();
        Pair[] pairs = r.topPairs();
        PrintWriter o = out();
        printHeader(o, r);
        o.printf(Locale.ROOT, "%s %d pairs by %s:%n", least ? "least similar" : "most similar", pairs.length, metric.label());
        o.println(" rank       i        j       value  tokens");
        Vocabulary v = r.vocabulary();
        for (int q = 0; q < pairs.length; q++) {
            o.printf(Locale.ROOT, "%5d %7d  %7d  %10.6f  %s ~ %s%n", q + 1, pairs[q].i(), pairs[q].j(), pairs[q].similarity(),
                    v.display(pairs[q].i()), v.display(pairs[q].j()));
        }
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel%n", r.seconds(), r.threads(), r.kernel());
        if (outDir != null) {
            ObjectNode s = r.summaryHeader();
            s.put("order", least ? "least similar" : "most similar");
            s.put("count", pairs.length);
            List<List<String>> rows = new ArrayList<>();
            for (int q = 0; q < pairs.length; q++) {
                rows.add(List.of(Integer.toString(q + 1), Integer.toString(pairs[q].i()), AnalysisReport.token(v, pairs[q].i()),
                        Integer.toString(pairs[q].j()), AnalysisReport.token(v, pairs[q].j()), Float.toString(pairs[q].similarity())));
            }
            try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                AllPairsReport.writeJson(s, dir.file("summary.json"));
                AnalysisReport.writeTsv(dir.file("top-pairs.tsv"), List.of("rank", "i", "token_i", "j", "token_j", "value"), rows);
                dir.commit();
                o.println("wrote:     " + dir.finalPath("summary.json") + ", top-pairs.tsv");
            }
        }
        return 0;
    }
}
