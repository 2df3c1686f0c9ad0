package dev.cossim.cli;

import dev.cossim.CossimException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.engine.AllPairsEngine;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.reduce.Histogram;
import dev.cossim.reduce.PairStatistics;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "all-pairs", description = "Exact histogram, statistics and top-k neighbours of all N(N-1)/2 pair similarities.")
final class AllPairsCommand extends AnalysisCommand implements Callable<Integer> {
    @Option(names = "--bins", defaultValue = "2000", description = "Histogram bins over [-1, 1], or over --range (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--range", paramLabel = "LO,HI",
            description = "Histogram range (default: [-1, 1] for cosine and correlation; for dot and euclidean exact bounds from the largest row norm).")
    String range;

    @Option(names = "--save-matrix", paramLabel = "FILE.npy",
            description = "Also write the full N x N matrix (A x B with --against) as a NumPy .npy file, streamed tile by tile; FILE.rows.tsv lists its rows' ids.")
    Path saveMatrix;

    @Option(names = "--dtype", paramLabel = "f16|f32", defaultValue = "f32", description = "Element type of --save-matrix (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Neighbours per row; 0 for none (default: ${DEFAULT-VALUE}).")
    int topK;

    @Override
    public Integer call() throws IOException {
        String modelSpec = modelSpec();
        Metric metric = metric();
        if (bins < 1) {
            throw new CossimException("--bins " + bins + ": must be at least 1");
        }
        if (topK < 0) {
            throw new CossimException("--top-k " + topK + ": must be 0 or more");
        }
        double[] knownBounds = range != null ? parseRange(range) : metric.fixedBounds();
        SummaryReducer.warmUpInBackground(bins, topK, metric.smallerIsCloser(), knownBounds);
        try (EmbeddingModel m = openModel(modelSpec)) {
            Prepared p = prepare(m, metric, metric.normalization());
            RowMatrix rows = p.rows();
            if (topK >= rows.size()) {
                throw new CossimException("--top-k " + topK + ": must be less than the number of usable rows (" + rows.size() + ")");
            }
            double[] bounds = knownBounds != null ? knownBounds : metric.bounds(rows);
            String rangeFrom = range != null ? "--range" : metric.normalization() == Normalization.NONE ? "max_norm" : "metric";
            int[] ids = rows.ids();
            boolean nearestSmallest = metric.smallerIsCloser();
            // The kernel (for blas: loading OpenBLAS, about 0.3 s) is set up before the clock starts, like the input.
            AllPairsEngine engine = engine(metric);
            long t0 = System.nanoTime();
            SummaryReducer r = MatrixExport.run(this, p, saveMatrix, dtype,
                    () -> new SummaryReducer(ids, bins, bounds[0], bounds[1], topK, nearestSmallest));
            double seconds = (System.nanoTime() - t0) / 1e9;
            printHeader(out(), p);
            printSummary(out(), m, rows, r, seconds, engine, metric, p.pairs().count());
            printMatrixNote(out());
            if (outDir != null) {
                try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                    ObjectNode json = AllPairsReport.summary(m.description(), metric.label(), rows, r, m.vocabulary());
                    json.put("selection", p.a().describe());
                    if (p.pairs().rectangular()) {
                        json.put("against", p.b().describe());
                        json.put("n_a", p.pairs().sizeA());
                        json.put("n_b", p.pairs().sizeB());
                    }
                    ((ObjectNode) json.get("histogram")).put("range_from", rangeFrom);
                    AllPairsReport.writeJson(json, dir.file("summary.json"));
                    if (r.topK() != null) {
                        AllPairsReport.writeNeighbors(r.topK(), m.vocabulary(), dir.file("neighbors.tsv"));
                    }
                    dir.commit();
                    out().println("wrote:     " + dir.finalPath("summary.json") + (r.topK() != null ? ", " + dir.finalPath("neighbors.tsv") : ""));
                }
            }
        }
        return 0;
    }

    /** "lo,hi" of --range. */
    static double[] parseRange(String s) {
        String[] parts = s.split(",");
        try {
            if (parts.length == 2) {
                double lo = Double.parseDouble(parts[0].trim()), hi = Double.parseDouble(parts[1].trim());
                if (Double.isFinite(lo) && Double.isFinite(hi) && hi > lo) {
                    return new double[]{lo, hi};
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CossimException("--range " + s + ": expected LO,HI with LO < HI, e.g. --range -1,1");
    }

    private static void printSummary(PrintWriter o, EmbeddingModel m, RowMatrix rows, SummaryReducer r, double seconds, AllPairsEngine engine,
                                     Metric metric, long pairs) {
        Vocabulary v = m.vocabulary();
        PairStatistics s = r.statistics();
        o.printf(Locale.ROOT, "%-10s mean %.6f  std %.6f%n", metric.label() + ":", s.mean(), s.std());
        o.printf(Locale.ROOT, "min:       %.6f  %s%n", s.min().similarity(), pair(v, s.min()));
        o.printf(Locale.ROOT, "max:       %.6f  %s%n", s.max().similarity(), pair(v, s.max()));
        printHistogram(o, r.histogram());
        boolean cross = pairs != (long) rows.size() * (rows.size() - 1) / 2;
        double flops = cross ? 2.0 * pairs * rows.dim() : 2.0 * rows.size() * (double) rows.size() * rows.dim();
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel (%.1f effective GFLOP/s = %s / time)%n",
                seconds, engine.threads(), engine.kernel().name(), flops / seconds / 1e9, cross ? "2*|A|*|B|*d" : "2*N^2*d");
    }

    private static String pair(Vocabulary v, PairStatistics.Pair p) {
        return "\"" + v.display(p.i()) + "\" (" + p.i() + ") ~ \"" + v.display(p.j()) + "\" (" + p.j() + ")";
    }

    /** A coarse text histogram: the fine bins regrouped into about 16 rows spanning the occupied range. */
    private static void printHistogram(PrintWriter o, Histogram h) {
        long[] c = h.counts();
        int first = 0, last = c.length - 1;
        while (first < last && c[first] == 0) {
            first++;
        }
        while (last > first && c[last] == 0) {
            last--;
        }
        int span = last - first + 1;
        int group = Math.max(1, (span + 15) / 16);
        List<long[]> rowsOut = new ArrayList<>();
        long peak = 1;
        for (int b = first; b <= last; b += group) {
            long sum = 0;
            for (int q = b; q < Math.min(b + group, last + 1); q++) {
                sum += c[q];
            }
            rowsOut.add(new long[]{b, Math.min(b + group, last + 1), sum});
            peak = Math.max(peak, sum);
        }
        o.println("histogram: (" + h.bins() + " bins over [" + h.lo() + ", " + h.hi() + "], regrouped)");
        for (long[] row : rowsOut) {
            int bar = (int) Math.round(40.0 * row[2] / peak);
            o.printf(Locale.ROOT, "  [%+.3f, %+.3f) %14d %s%n", h.edge((int) row[0]), h.edge((int) row[1]), row[2], "#".repeat(bar));
        }
    }
}
