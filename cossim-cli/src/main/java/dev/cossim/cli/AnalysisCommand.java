package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.MatrixFile;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.output.NpyMatrixWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    @Option(names = "--packed-row-limit", defaultValue = "1073741824", hidden = true, paramLabel = "BYTES",
            description = "Stream the rows from the model when they would take more than BYTES as float32 (0: always).")
    long packedRowLimit;

    Metric metric() {
        return Metric.parse(metricName);
    }

    /**
     * The request every analysis command starts from: the model (opened when it runs), the metric, the selection(s),
     * kernel, threads, block size, progress on stderr and the kernel line on stderr.
     */
    Analysis request(Metric metric) {
        if (outDir != null && Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw CossimException.inFile(outDir, "exists and is not a directory (the output directory, -o)");
        }
        return analysis(modelSpec())
                .metric(metric)
                .rows(select.selection())
                .against(select.againstSelection())
                .kernel(engine.kernelName())
                .threads(threads())
                .block(block)
                .packedRowLimit(packedRowLimit)
                .progress(progress())
                .log(EngineOptions.kernelLog(err()));
    }

    /** The lines every analysis prints first: model, rows, pairs. */
    void printHeader(PrintWriter o, AnalysisResult p) {
        printHeader(o, p, p.metric().label());
    }

    void printHeader(PrintWriter o, AnalysisResult p, String metricLabel) {
        RowMatrix r = p.rows();
        o.println("model:     " + p.modelDescription() + "  " + p.matrixDescription());
        o.println("metric:    " + metricLabel);
        if (!p.rectangular()) {
            o.printf(Locale.ROOT, "rows:      %,d used of %,d selected (%s), %d excluded (%d zero, %d non-finite)%n", r.size(),
                    p.selectedA(), p.selection().describe(), r.excludedCount(), r.zeroRows().length, r.nonFiniteRows().length);
        } else {
            o.printf(Locale.ROOT, "rows A:    %,d used (%s)%n", p.sizeA(), p.selection().describe());
            o.printf(Locale.ROOT, "rows B:    %,d used (%s; %,d also in A left out)%n", p.sizeB(), p.against().describe(), p.droppedFromB());
            if (r.excludedCount() > 0) {
                o.printf(Locale.ROOT, "excluded:  %d rows (%d zero, %d non-finite)%n", r.excludedCount(), r.zeroRows().length, r.nonFiniteRows().length);
            }
        }
        o.printf(Locale.ROOT, "pairs:     %,d (%s, exact)%n", p.pairCount(),
                p.rectangular() ? "every pair of a row in A with a row in B" : "every unordered pair");
    }

    /** The line saying where the matrix went, when one was written. */
    static void printMatrixNote(PrintWriter o, AnalysisResult r) {
        MatrixFile f = r.matrix();
        if (f != null) {
            o.println(String.format(Locale.ROOT, "matrix:    %s (%,d x %,d %s, %,d bytes; row ids in %s)", f.file(), f.rows(), f.cols(),
                    f.precision(), f.bytes(), f.rowIds().getFileName() + (f.colIds() != null ? ", " + f.colIds().getFileName() : "")));
        }
    }

    /** --save-matrix FILE.npy with --dtype f16|f32, when given. */
    static Analysis withMatrix(Analysis a, Path file, String dtype) {
        return file == null ? a : a.saveMatrix(file, NpyMatrixWriter.Precision.parse(dtype));
    }

    String modelSpec() {
        return modelOf(args, 0, "[MODEL]");
    }
}
