package dev.cossim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.SubmatrixSummary;
import dev.cossim.results.Statistics;
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
import dev.cossim.results.DistinctCounts;

@Command(name = "submatrix", description = {
        "The values of a selection's similarity submatrix: how many non-redundant values, how many distinct at float16 and at",
        "float32 precision, minimum and maximum; the distinct values with their counts go to --out."})
final class SubmatrixCommand extends AnalysisCommand implements Callable<Integer> {
    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "50000000",
            description = "Refuse larger selections: distinct float32 values take up to 12 bytes per pair. Default: ${DEFAULT-VALUE}.")
    long maxPairs;

    @Option(names = "--show", paramLabel = "N", defaultValue = "40", description = "Print the distinct float16 values when there are at most N. Default: ${DEFAULT-VALUE}.")
    int show;

    @Option(names = "--save-matrix", paramLabel = "FILE.npy", description = "Also write the selection's full matrix as .npy (see all-pairs).")
    Path saveMatrix;

    @Option(names = "--dtype", paramLabel = "f16|f32", defaultValue = "f32", description = "Element type of --save-matrix. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Override
    public Integer call() throws IOException {
        AnalysisResult r = withMatrix(request(metric()).submatrixValues(maxPairs), saveMatrix, dtype).run();
        SubmatrixSummary sv = r.submatrix();
        Statistics s = sv.statistics();
        DistinctCounts f16 = sv.float16();
        DistinctCounts f32 = sv.float32();
        PrintWriter o = out();
        printHeader(o, r);
        Vocabulary v = r.vocabulary();
        o.printf(Locale.ROOT, "There are %,d non-redundant values, %,d of which are unique at float16 (%,d at float32).%n",
                s.count(), f16.distinct(), f32.distinct());
        o.printf(Locale.ROOT, "min:       %.6f  \"%s\" (%d) ~ \"%s\" (%d)%n", s.min().similarity(), v.display(s.min().i()), s.min().i(), v.display(s.min().j()), s.min().j());
        o.printf(Locale.ROOT, "max:       %.6f  \"%s\" (%d) ~ \"%s\" (%d)%n", s.max().similarity(), v.display(s.max().i()), s.max().i(), v.display(s.max().j()), s.max().j());
        o.printf(Locale.ROOT, "mean:      %.6f  std %.6f%n", s.mean(), s.std());
        if (f16.distinct() <= show) {
            o.println("unique float16 values (count):");
            StringBuilder b = new StringBuilder();
            for (int q = 0; q < f16.distinct(); q++) {
                b.append(String.format(Locale.ROOT, "  %.6g (%,d)", f16.values()[q], f16.counts()[q]));
                if (q % 6 == 5 || q == f16.distinct() - 1) {
                    o.println(b);
                    b.setLength(0);
                }
            }
        }
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel%n", r.seconds(), r.threads(), r.kernel());
        printMatrixNote(o, r);
        if (outDir != null) {
            ObjectNode js = r.summaryHeader();
            js.put("non_redundant", s.count());
            js.put("unique_f16", f16.distinct());
            js.put("unique_f32", f32.distinct());
            js.set("statistics", AnalysisReport.statistics(s, v));
            try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                AllPairsReport.writeJson(js, dir.file("summary.json"));
                writeValues(dir.file("values-f16.tsv"), f16);
                writeValues(dir.file("values-f32.tsv"), f32);
                dir.commit();
                o.println("wrote:     " + dir.finalPath("summary.json") + ", values-f16.tsv, values-f32.tsv");
            }
        }
        return 0;
    }

    private static void writeValues(Path file, DistinctCounts c) throws IOException {
        List<List<String>> rows = new ArrayList<>(c.distinct());
        for (int q = 0; q < c.distinct(); q++) {
            rows.add(List.of(Float.toString(c.values()[q]), Long.toString(c.counts()[q])));
        }
        AnalysisReport.writeTsv(file, List.of("value", "count"), rows);
    }
}
