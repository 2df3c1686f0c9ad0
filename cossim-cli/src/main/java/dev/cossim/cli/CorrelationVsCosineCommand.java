package dev.cossim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.CorrelationAndCosine;
import dev.cossim.output.AllPairsReport;
import dev.cossim.results.Statistics;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import dev.cossim.results.SampledPairs;
import dev.cossim.results.LargestDifference;

@Command(name = "correlation-vs-cosine", aliases = "corr-vs-cos", description = {
        "Pearson correlation (mean-centred cosine) and cosine similarity of every pair, in one pass: the exact summary and",
        "histogram of both over all pairs, how they relate, and both values on a seeded random sample of pairs (for a scatter plot)."})
final class CorrelationVsCosineCommand extends AnalysisCommand implements Callable<Integer> {
    @Option(names = "--sample-pairs", paramLabel = "N", defaultValue = "10000",
            description = "Pairs in the seeded uniform sample (--seed). Default: ${DEFAULT-VALUE}.")
    int samplePairs;

    @Option(names = "--bins", defaultValue = "2000", description = "Histogram bins over [-1, 1] for each. Default: ${DEFAULT-VALUE}.")
    int bins;

    @Override
    public Integer call() throws IOException {
        long seed = select.seed;
        AnalysisResult res = request(metric()).correlationVsCosine(bins, samplePairs, seed).run();
        CorrelationAndCosine r = res.correlationVsCosine();
        PrintWriter o = out();
        printHeader(o, res, "cosine and correlation (rows mean-centred for correlation)");
        Vocabulary v = res.vocabulary();
        line(o, "cosine", r.cosine(), v);
        line(o, "correlation", r.correlation(), v);
        o.printf(Locale.ROOT, "relation:  Pearson r between the two over all pairs %.6f (covariance %.3e)%n", r.agreement(), r.covariance());
        LargestDifference d = r.largestDifference();
        o.printf(Locale.ROOT, "largest |cosine - correlation|: %.6f  \"%s\" (%d) ~ \"%s\" (%d): cosine %.6f, correlation %.6f%n",
                d.absolute(), v.display(d.i()), d.i(), v.display(d.j()), d.j(), d.cosine(), d.correlation());
        o.printf(Locale.ROOT, "sample:    %,d pairs (seed %d)%n", r.sample().size(), seed);
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel%n", res.seconds(), res.threads(), res.kernel());
        if (outDir != null) {
            ObjectNode s = res.summaryHeader();
            s.put("metric", "cosine and correlation");
            s.set("cosine", AnalysisReport.statistics(r.cosine(), v));
            ((ObjectNode) s.get("cosine")).set("histogram", AnalysisReport.histogram(r.cosineHistogram(), "metric"));
            s.set("correlation", AnalysisReport.statistics(r.correlation(), v));
            ((ObjectNode) s.get("correlation")).set("histogram", AnalysisReport.histogram(r.correlationHistogram(), "metric"));
            s.put("covariance", r.covariance());
            s.put("pearson_between", r.agreement());
            ObjectNode ld = s.putObject("largest_difference");
            ld.put("i", d.i());
            ld.put("j", d.j());
            ld.put("token_i", v.display(d.i()));
            ld.put("token_j", v.display(d.j()));
            ld.put("cosine", (double) d.cosine());
            ld.put("correlation", (double) d.correlation());
            s.put("sample_pairs", r.sample().size());
            s.put("seed", seed);
            SampledPairs smp = r.sample();
            List<List<String>> rows = new ArrayList<>(smp.size());
            for (int q = 0; q < smp.size(); q++) {
                rows.add(List.of(Integer.toString(smp.i()[q]), AnalysisReport.token(v, smp.i()[q]), Integer.toString(smp.j()[q]),
                        AnalysisReport.token(v, smp.j()[q]), Float.toString(smp.cosine()[q]), Float.toString(smp.correlation()[q])));
            }
            try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                AllPairsReport.writeJson(s, dir.file("summary.json"));
                AnalysisReport.writeTsv(dir.file("sample.tsv"), List.of("i", "token_i", "j", "token_j", "cosine", "correlation"), rows);
                dir.commit();
                o.println("wrote:     " + dir.finalPath("summary.json") + ", sample.tsv");
            }
        }
        return 0;
    }

    private static void line(PrintWriter o, String what, Statistics s, Vocabulary v) {
        o.printf(Locale.ROOT, "%-12s mean %.6f  std %.6f  min %.6f (%s ~ %s)  max %.6f (%s ~ %s)%n", what + ":", s.mean(), s.std(),
                s.min().similarity(), v.display(s.min().i()), v.display(s.min().j()),
                s.max().similarity(), v.display(s.max().i()), v.display(s.max().j()));
    }
}
