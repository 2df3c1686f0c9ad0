package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.results.Distribution;
import dev.cossim.results.Pair;
import dev.cossim.results.Statistics;
import dev.cossim.vocab.Vocabulary;
import dev.cossim.options.AllPairsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    @picocli.CommandLine.Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Mixin
    AllPairsOptions pairs = new AllPairsOptions();

    @Option(names = "--range", paramLabel = "LO,HI",
            description = "Histogram range (default: [-1, 1] for cosine and correlation; for dot and euclidean exact bounds from the largest row norm).")
    String range;

    @Option(names = "--save-matrix", paramLabel = "FILE.npy",
            description = "Also write the full N x N matrix (A x B with --against) as a NumPy .npy file, streamed tile by tile; FILE.rows.tsv lists its rows' ids.")
    Path saveMatrix;

    @Option(names = "--dtype", paramLabel = "f16|f32", defaultValue = "f32", description = "Element type of --save-matrix (default: ${DEFAULT-VALUE}).")
    String dtype;


    @Override
    public Integer call() throws IOException {
        Analysis request = request(metric()).histogram(pairs.bins).topK(pairs.topK);
        if (range != null) {
            double[] lohi = parseRange(range);
            request.range(lohi[0], lohi[1]);
        }
        AnalysisResult r = checkpoint.apply(withMatrix(request, saveMatrix, dtype)).run();
        printHeader(out(), r);
        printSummary(out(), r);
        printMatrixNote(out(), r);
        if (outDir != null) {
            try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                AllPairsReport.writeJson(r.allPairsSummary(), dir.file("summary.json"));
                if (r.topK() != null) {
                    AllPairsReport.writeNeighbors(r.topK(), r.vocabulary(), dir.file("neighbors.tsv"));
                }
                dir.commit();
                out().println("wrote:     " + dir.finalPath("summary.json") + (r.topK() != null ? ", " + dir.finalPath("neighbors.tsv") : ""));
            } catch (IOException e) {
                throw AtomicOutputDir.cannotWrite(outDir, e);
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

    private static void printSummary(PrintWriter o, AnalysisResult r) {
        Vocabulary v = r.vocabulary();
        Statistics s = r.statistics();
        o.printf(Locale.ROOT, "%-10s mean %.6f  std %.6f%n", r.metric().label() + ":", s.mean(), s.std());
        o.printf(Locale.ROOT, "min:       %.6f  %s%n", s.min().similarity(), pair(v, s.min()));
        o.printf(Locale.ROOT, "max:       %.6f  %s%n", s.max().similarity(), pair(v, s.max()));
        printHistogram(o, r.histogram());
        double seconds = r.seconds();
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel (%.1f effective GFLOP/s = %s / time)%n",
                seconds, r.threads(), r.kernel(), r.effectiveFlops() / seconds / 1e9, r.rectangular() ? "2*|A|*|B|*d" : "2*N^2*d");
    }

    private static String pair(Vocabulary v, Pair p) {
        return "\"" + v.display(p.i()) + "\" (" + p.i() + ") ~ \"" + v.display(p.j()) + "\" (" + p.j() + ")";
    }

    /** A coarse text histogram: the fine bins regrouped into about 16 rows spanning the occupied range. */
    private static void printHistogram(PrintWriter o, Distribution h) {
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
