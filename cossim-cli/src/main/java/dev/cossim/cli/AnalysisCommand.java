package dev.cossim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.CossimException;
import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.PairSet;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.matrix.Selection;
import dev.cossim.output.AnalysisReport;
import dev.cossim.source.EmbeddingModel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shared by the analysis commands: the optional MODEL, the metric, the row selection (within one selection or a
 * rectangular A x B run), the output directory, and the steps that open the model and build the pairs.
 */
abstract class AnalysisCommand extends ModelCommand {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
    List<String> args = new ArrayList<>();

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "cosine",
            description = "cosine, correlation (mean-centred cosine: Pearson r), dot, or euclidean (distance; smaller is closer). Default: ${DEFAULT-VALUE}.")
    String metricName;

    @Mixin
    SelectionOptions select;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Write the result files into DIR.")
    Path outDir;

    @Option(names = "--block", defaultValue = "0", hidden = true, description = "Rows per tile block (0: the kernel's preferred size).")
    int block;

    Metric metric() {
        return Metric.parse(metricName);
    }

    /** The rows of one run and how they were chosen. */
    record Prepared(EmbeddingModel model, Metric metric, PairSet pairs, Selection a, Selection b, int selectedA,
                    int selectedB, int droppedFromB) {
        RowMatrix rows() {
            return pairs.rows();
        }

        int[] ids() {
            return pairs.rows().ids();
        }
    }

    /** Selects and prepares the rows for {@code norm}; refuses runs with no pair. */
    Prepared prepare(EmbeddingModel m, Metric metric, Normalization norm) {
        Selection a = select.selection();
        Selection b = select.againstSelection();
        int[] idsA = a.apply(m.rows(), m.vocabulary());
        if (idsA.length == 0) {
            throw new CossimException("the selection " + a.describe() + " matches no rows of " + m.description());
        }
        RowMatrix ra = RowMatrix.of(m.matrix(), norm, idsA);
        if (b == null) {
            if (ra.size() < 2) {
                throw new CossimException("the selection " + a.describe() + " leaves fewer than two usable rows ("
                        + idsA.length + " selected, " + ra.excludedCount() + " zero or non-finite)");
            }
            return new Prepared(m, metric, PairSet.within(ra), a, null, idsA.length, 0, 0);
        }
        int[] idsB = b.apply(m.rows(), m.vocabulary());
        int[] onlyB = Arrays.stream(idsB).filter(id -> Arrays.binarySearch(idsA, id) < 0).toArray();
        RowMatrix rb = RowMatrix.of(m.matrix(), norm, onlyB);
        if (ra.size() == 0 || rb.size() == 0) {
            throw new CossimException("--against " + select.against + ": the rectangular run has no pairs (A has "
                    + ra.size() + " usable rows, B " + rb.size() + " after leaving out rows also in A)");
        }
        return new Prepared(m, metric, PairSet.cross(ra, rb), a, b, idsA.length, idsB.length, idsB.length - onlyB.length);
    }

    private AllPairsEngine engine;

    /** Set by {@link MatrixExport} when a matrix was written: the line saying where. */
    String matrixNote;

    void printMatrixNote(PrintWriter o) {
        if (matrixNote != null) {
            o.println(matrixNote);
        }
    }

    /** The engine for a metric, made once per command (choosing the kernel prints one line). */
    AllPairsEngine engine(Metric metric) {
        if (engine == null) {
            TileKernel k = metric.kernel(kernel());
            engine = new AllPairsEngine(k, threads(), block > 0 ? block : k.preferredBlock());
        }
        return engine;
    }

    /** The lines every analysis prints first: model, rows, pairs. */
    void printHeader(PrintWriter o, Prepared p) {
        printHeader(o, p, p.metric().label());
    }

    void printHeader(PrintWriter o, Prepared p, String metricLabel) {
        RowMatrix r = p.rows();
        o.println("model:     " + p.model().description() + "  " + p.model().matrix().describe());
        o.println("metric:    " + metricLabel);
        if (!p.pairs().rectangular()) {
            o.printf(Locale.ROOT, "rows:      %,d used of %,d selected (%s), %d excluded (%d zero, %d non-finite)%n", r.size(),
                    p.selectedA(), p.a().describe(), r.excludedCount(), r.zeroRows().length, r.nonFiniteRows().length);
        } else {
            o.printf(Locale.ROOT, "rows A:    %,d used (%s)%n", p.pairs().sizeA(), p.a().describe());
            o.printf(Locale.ROOT, "rows B:    %,d used (%s; %,d also in A left out)%n", p.pairs().sizeB(), p.b().describe(), p.droppedFromB());
            if (r.excludedCount() > 0) {
                o.printf(Locale.ROOT, "excluded:  %d rows (%d zero, %d non-finite)%n", r.excludedCount(), r.zeroRows().length, r.nonFiniteRows().length);
            }
        }
        o.printf(Locale.ROOT, "pairs:     %,d (%s, exact)%n", p.pairs().count(),
                p.pairs().rectangular() ? "every pair of a row in A with a row in B" : "every unordered pair");
    }

    /** summary.json's common part. */
    ObjectNode summary(Prepared p) {
        return AnalysisReport.header(p.model().description(), p.metric().label(), p.pairs(), p.a().describe(),
                p.b() == null ? null : p.b().describe());
    }

    String modelSpec() {
        return modelOf(args, 0, "[MODEL]");
    }

    String token(EmbeddingModel m, int id) {
        return m.vocabulary().display(id);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
