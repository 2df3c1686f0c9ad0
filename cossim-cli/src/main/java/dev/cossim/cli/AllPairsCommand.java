package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.engine.AllPairsEngine;
import dev.cossim.kernel.TileKernel;
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
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "all-pairs", description = "Exact histogram, statistics and top-k neighbours of all N(N-1)/2 pair similarities.")
final class AllPairsCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
    List<String> args = new ArrayList<>();

    @Option(names = "--bins", defaultValue = "2000", description = "Histogram bins over [-1, 1] (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Neighbours per row; 0 for none (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Write DIR/summary.json and DIR/neighbors.tsv.")
    Path outDir;

    @Option(names = "--block", defaultValue = "256", hidden = true, description = "Rows per tile block.")
    int block;

    @Override
    public Integer call() throws IOException {
        String modelSpec = modelOf(args, 0, "[MODEL]");
        if (bins < 1) {
            throw new CossimException("--bins " + bins + ": must be at least 1");
        }
        if (topK < 0) {
            throw new CossimException("--top-k " + topK + ": must be 0 or more");
        }
        try (EmbeddingModel m = openModel(modelSpec)) {
            RowMatrix rows = RowMatrix.of(m.matrix(), Normalization.UNIT);
            if (rows.size() < 2) {
                throw new CossimException(m.file().origin() + ": fewer than two usable rows (" + rows.excludedCount() + " zero or non-finite)");
            }
            if (topK >= rows.size()) {
                throw new CossimException("--top-k " + topK + ": must be less than the number of usable rows (" + rows.size() + ")");
            }
            TileKernel kernel = kernel();
            AllPairsEngine engine = new AllPairsEngine(kernel, threads(), block);
            int[] ids = rows.ids();
            long t0 = System.nanoTime();
            SummaryReducer r = engine.run(rows, () -> new SummaryReducer(ids, bins, -1, 1, topK), progress());
            double seconds = (System.nanoTime() - t0) / 1e9;
            printSummary(out(), m, rows, r, seconds, engine);
            if (outDir != null) {
                try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                    AllPairsReport.writeJson(AllPairsReport.summary(m.description(), "cosine", rows, r, m.vocabulary()), dir.file("summary.json"));
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

    private static void printSummary(PrintWriter o, EmbeddingModel m, RowMatrix rows, SummaryReducer r, double seconds, AllPairsEngine engine) {
        Vocabulary v = m.vocabulary();
        PairStatistics s = r.statistics();
        o.println("model:     " + m.description() + "  " + m.matrix().describe());
        o.printf(Locale.ROOT, "rows:      %,d used, %d excluded (%d zero, %d non-finite), dim %d%n", rows.size(), rows.excludedCount(),
                rows.zeroRows().length, rows.nonFiniteRows().length, rows.dim());
        o.printf(Locale.ROOT, "pairs:     %,d (every unordered pair, exact)%n", s.count());
        o.printf(Locale.ROOT, "cosine:    mean %.6f  std %.6f%n", s.mean(), s.std());
        o.printf(Locale.ROOT, "min:       %.6f  %s%n", s.min().similarity(), pair(v, s.min()));
        o.printf(Locale.ROOT, "max:       %.6f  %s%n", s.max().similarity(), pair(v, s.max()));
        printHistogram(o, r.histogram());
        double flops = 2.0 * rows.size() * (double) rows.size() * rows.dim();
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel (%.1f effective GFLOP/s = 2*N^2*d / time)%n",
                seconds, engine.threads(), engine.kernel().name(), flops / seconds / 1e9);
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
