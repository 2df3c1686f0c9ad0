package dev.cossim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.VectorStatistics;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.RowStatistics;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "row-stats", description = {
        "Per row: mean similarity to all the rows it is paired with, how many of those pairs reach a threshold (hubness),",
        "and the vector's norm, arithmetic mean and L1 mean (mean absolute value)."})
final class RowStatsCommand extends AnalysisCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Option(names = {"-t", "--threshold"}, required = true, paramLabel = "T",
            description = "A pair counts towards both rows' hubness when its value is >= T (for euclidean: <= T).")
    double threshold;

    @Option(names = "--show", paramLabel = "N", defaultValue = "10", description = "Hubs to print. Default: ${DEFAULT-VALUE}.")
    int show;

    @Override
    public Integer call() throws IOException {
        Metric metric = metric();
        AnalysisResult res = checkpoint.apply(request(metric).rowStatistics(threshold)).run();
        RowStatistics rs = res.rowStatistics();
        VectorStatistics vs = rs.vectors();
        int[] ids = rs.ids();
        PrintWriter o = out();
        printHeader(o, res);
        describe(o, "norm", vs.norm());
        describe(o, "mean", vs.mean());
        describe(o, "L1 mean", vs.l1Mean());
        double[] meanSim = rs.meanSimilarity();
        describe(o, "mean " + metric.label(), meanSim);
        long[] hub = rs.hubness();
        String rel = rs.below() ? "<=" : ">=";
        o.printf(Locale.ROOT, "hubness:   pairs %s %s per row: mean %.3f, max %d; %,d rows have none%n", rel, threshold,
                java.util.Arrays.stream(hub).average().orElse(0), java.util.Arrays.stream(hub).max().orElse(0),
                java.util.Arrays.stream(hub).filter(h -> h == 0).count());
        Vocabulary v = res.vocabulary();
        Integer[] order = IntStream.range(0, ids.length).boxed()
                .sorted(Comparator.<Integer>comparingLong(r -> -hub[r]).thenComparingInt(r -> ids[r])).toArray(Integer[]::new);
        o.println("top hubs:  (id, token, pairs " + rel + " " + threshold + ", mean " + metric.label() + ")");
        for (int q = 0; q < Math.min(show, order.length); q++) {
            int r = order[q];
            o.printf(Locale.ROOT, "  %7d  %-20s %8d  %.6f%n", ids[r], v.display(ids[r]), hub[r], meanSim[r]);
        }
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel%n", res.seconds(), res.threads(), res.kernel());
        if (outDir != null) {
            ObjectNode s = res.summaryHeader();
            s.put("threshold", threshold);
            s.put("comparison", rel);
            s.set("norm", stats(vs.norm()));
            s.set("mean", stats(vs.mean()));
            s.set("l1_mean", stats(vs.l1Mean()));
            s.set("mean_similarity", stats(meanSim));
            s.set("hubness", stats(java.util.Arrays.stream(hub).asDoubleStream().toArray()));
            List<List<String>> rows = new ArrayList<>();
            for (int r = 0; r < ids.length; r++) {
                rows.add(List.of(Integer.toString(ids[r]), AnalysisReport.token(v, ids[r]), Double.toString(vs.norm()[r]),
                        Double.toString(vs.mean()[r]), Double.toString(vs.l1Mean()[r]), Double.toString(meanSim[r]),
                        Long.toString(hub[r])));
            }
            try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                AllPairsReport.writeJson(s, dir.file("summary.json"));
                AnalysisReport.writeTsv(dir.file("rows.tsv"),
                        List.of("id", "token", "norm", "mean", "l1_mean", "mean_similarity", "above_threshold"), rows);
                dir.commit();
                o.println("wrote:     " + dir.finalPath("summary.json") + ", rows.tsv");
            }
        }
        return 0;
    }

    private static void describe(PrintWriter o, String what, double[] x) {
        java.util.DoubleSummaryStatistics s = java.util.Arrays.stream(x).summaryStatistics();
        o.printf(Locale.ROOT, "%-10s min %.6f  mean %.6f  max %.6f%n", what + ":", s.getMin(), s.getAverage(), s.getMax());
    }

    private static ObjectNode stats(double[] x) {
        java.util.DoubleSummaryStatistics s = java.util.Arrays.stream(x).summaryStatistics();
        ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        n.put("min", s.getMin());
        n.put("mean", s.getAverage());
        n.put("max", s.getMax());
        return n;
    }
}
