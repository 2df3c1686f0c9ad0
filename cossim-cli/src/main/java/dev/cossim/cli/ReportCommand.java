package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.engine.AllPairsEngine;
import dev.cossim.plots.HtmlReport;
import dev.cossim.plots.ReportBuilder;
import dev.cossim.plots.ReportData;
import dev.cossim.source.EmbeddingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "report", description = "One self-contained HTML page (no network needed) of a model's similarity structure: figures, summary, neighbour search.")
final class ReportCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
    List<String> args = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path outFile;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Neighbours per token in the search box (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--size", defaultValue = "1024", description = "Pooled heatmap blocks per side (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--no-correlation", description = "Skip the second pass (correlation histogram and statistics).")
    boolean noCorrelation;

    @Option(names = "--samples", defaultValue = "20000", description = "Pairs sampled for correlation vs cosine (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--unused", defaultValue = "^\\[unused", description = "Regular expression of unused tokens (default: ${DEFAULT-VALUE}).")
    String unused;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for the sampled pairs and the strip plot's jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        String modelSpec = modelOf(args, 0, "[MODEL]");
        if (topK < 1) {
            throw new CossimException("--top-k " + topK + ": must be at least 1");
        }
        if (size < 1) {
            throw new CossimException("--size " + size + ": must be at least 1");
        }
        if (samples < 1) {
            throw new CossimException("--samples " + samples + ": must be at least 1");
        }
        Path dir = outFile.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CossimException("-o " + outFile + ": directory " + dir + " does not exist");
        }
        long t0 = System.nanoTime();
        try (EmbeddingModel m = openModel(modelSpec)) {
            ReportBuilder.Options o = new ReportBuilder.Options(topK, size, 2000, !noCorrelation, samples, seed, unused, 2048);
            AllPairsEngine engine = new AllPairsEngine(kernel(), threads(), AllPairsEngine.DEFAULT_BLOCK);
            ReportBuilder b = new ReportBuilder(engine, progress(), line -> err().println("report: " + line));
            // Near-duplicate groups come from issue 4's reducer once it is merged; until then the section says so.
            ReportData data = b.build(m, o, null);
            HtmlReport.write(data, outFile);
        }
        out().printf(Locale.ROOT, "wrote: %s (%,d bytes) in %.1f s%n", outFile, fileSize(outFile), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
