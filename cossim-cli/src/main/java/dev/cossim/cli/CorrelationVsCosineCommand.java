package dev.cossim.cli;

import dev.cossim.engine.AllPairsEngine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.CossimException;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.reduce.CorrelationVsCosine;
import dev.cossim.reduce.PairStatistics;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

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
        if (!metricName.equalsIgnoreCase("cosine")) {
            throw new CossimException("--metric " + metricName + ": correlation-vs-cosine always computes both cosine and correlation");
        }
        if (samplePairs < 0 || bins < 1) {
            throw new CossimException("--sample-pairs must be >= 0 and --bins >= 1");
        }
        try (EmbeddingModel m = openModel(modelSpec())) {
            // Rows prepared for correlation: the engine's tiles hold r, and cosine follows from two factors per row.
            Prepared p = prepare(m, Metric.CORRELATION, Normalization.CENTRED_UNIT);
            double[][] f = CorrelationVsCosine.rowFactors(m.matrix(), p.rows());
            int[] ids = p.ids();
            long seed = select.seed;
            AllPairsEngine engine = engine(Metric.CORRELATION); // set up before the clock starts, as in all-pairs
            long t0 = System.nanoTime();
            CorrelationVsCosine r = p.pairs().run(engine,
                    () -> new CorrelationVsCosine(ids, f[0], f[1], bins, samplePairs, seed), progress());
            double seconds = (System.nanoTime() - t0) / 1e9;
            PrintWriter o = out();
            printHeader(o, p, "cosine and correlation (rows mean-centred for correlation)");
            Vocabulary v = m.vocabulary();
            line(o, "cosine", r.cosineStatistics(), v);
            line(o, "correlation", r.correlationStatistics(), v);
            o.printf(Locale.ROOT, "relation:  Pearson r between the two over all pairs %.6f (covariance %.3e)%n", r.agreement(), r.covariance());
            CorrelationVsCosine.Difference d = r.largestDifference();
            o.printf(Locale.ROOT, "largest |cosine - correlation|: %.6f  \"%s\" (%d) ~ \"%s\" (%d): cosine %.6f, correlation %.6f%n",
                    d.absolute(), v.display(d.i()), d.i(), v.display(d.j()), d.j(), d.cosine(), d.correlation());
            o.printf(Locale.ROOT, "sample:    %,d pairs (seed %d)%n", r.sample().size(), seed);
            o.printf(Locale.ROOT, "time:      %.2f s on %d threads%n", seconds, threads());
            if (outDir != null) {
                ObjectNode s = summary(p);
                s.put("metric", "cosine and correlation");
                s.set("cosine", AnalysisReport.statistics(r.cosineStatistics(), v));
                ((ObjectNode) s.get("cosine")).set("histogram", AnalysisReport.histogram(r.cosineHistogram(), "metric"));
                s.set("correlation", AnalysisReport.statistics(r.correlationStatistics(), v));
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
                CorrelationVsCosine.Sample smp = r.sample();
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
        }
        return 0;
    }

    private static void line(PrintWriter o, String what, PairStatistics s, Vocabulary v) {
        o.printf(Locale.ROOT, "%-12s mean %.6f  std %.6f  min %.6f (%s ~ %s)  max %.6f (%s ~ %s)%n", what + ":", s.mean(), s.std(),
                s.min().similarity(), v.display(s.min().i()), v.display(s.min().j()),
                s.max().similarity(), v.display(s.max().i()), v.display(s.max().j()));
    }
}
