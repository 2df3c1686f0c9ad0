package dev.cossim.cli;

import dev.cossim.CossimException;
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

@Command(name = "report", mixinStandardHelpOptions = true, description = "One self-contained HTML page (no network needed) of a model's similarity structure: figures, summary, neighbour search.")
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

    // No defaultValue: picocli would apply it after the hidden alias below and undo it (the field's value is the default).
    @Option(names = "--sample-pairs", paramLabel = "N", description = "Pairs sampled for correlation vs cosine (default: ${DEFAULT-VALUE}).")
    int samples = 20_000;

    /** The earlier spelling, kept working. */
    @Option(names = "--samples", hidden = true)
    void legacySamples(int n) {
        samples = n;
    }

    @Option(names = "--unused", defaultValue = "^\\[unused", description = "Regular expression of unused tokens (default: ${DEFAULT-VALUE}).")
    String unused;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for the sampled pairs and the strip plot's jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-t", "--threshold"}, paramLabel = "T", defaultValue = "0.8",
            description = "Near-duplicate groups: pairs with cosine >= T, joined into connected components (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "20000000",
            description = "Most near-duplicate pairs kept to group them (12 bytes each); beyond it the page gives only their count. Default: ${DEFAULT-VALUE}.")
    long maxPairs;

    @Option(names = "--pair", split = ",", paramLabel = "A,B", description = "Two tokens or row ids for the embedding-vectors figure (default: hello,world when present).")
    List<String> pair;

    @Option(names = "--compare", paramLabel = "B",
            description = "Also compare the model with model B over their shared tokens (as `cossim compare MODEL B -k K`): its numbers join the summary, its figures the page.")
    String compareWith;

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
            throw new CossimException("--sample-pairs " + samples + ": must be at least 1");
        }
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new CossimException("--threshold " + threshold + ": a cosine threshold must be in [-1, 1]");
        }
        if (maxPairs < 0) {
            throw new CossimException("--max-pairs " + maxPairs + ": must be 0 or more");
        }
        ReportBuilder.unusedPattern(unused); // a bad pattern fails before any work
        Path dir = outFile.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CossimException("-o " + outFile + ": directory " + dir + " does not exist");
        }
        long t0 = System.nanoTime();
        try (EmbeddingModel m = openModel(modelSpec)) {
            int[] ids = pair == null ? null : pairIds(m);
            ReportBuilder.Options o = new ReportBuilder.Options(topK, size, 2000, !noCorrelation, samples, seed, unused, 2048, ids,
                    threshold, maxPairs);
            ReportBuilder b = new ReportBuilder(kernel(), threads(), 0, progress(),
                    line -> err().printf(Locale.ROOT, "report: %5.1f s  %s%n", (System.nanoTime() - t0) / 1e9, line));
            ReportData data = b.build(m, o);
            if (compareWith != null) {
                err().printf(Locale.ROOT, "report: %5.1f s  comparing with %s%n", (System.nanoTime() - t0) / 1e9, compareWith);
                data = withComparison(data, m);
            }
            err().printf(Locale.ROOT, "report: %5.1f s  writing the page%n", (System.nanoTime() - t0) / 1e9);
            HtmlReport.write(data, outFile);
        }
        out().printf(Locale.ROOT, "wrote: %s (%,d bytes) in %.1f s%n", outFile, fileSize(outFile), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The page with a comparison of the model and --compare's model B: its numbers in the summary, two figures. */
    private ReportData withComparison(ReportData data, EmbeddingModel a) {
        try (EmbeddingModel other = warned(dev.cossim.source.ModelLoader.open(compareWith, null, null))) {
            dev.cossim.compare.ComparisonResult r = dev.cossim.compare.Comparison.of(a, other).k(topK).samplePairs(samples, seed)
                    .threads(threads()).kernel(engine.kernelName()).progress(progress()).run();
            dev.cossim.compare.ComparisonResult.Overlap ov = r.overlaps().getFirst();
            List<ReportData.Entry> summary = new ArrayList<>(data.summary());
            summary.add(new ReportData.Entry("compared with", r.modelB()));
            summary.add(new ReportData.Entry("aligned rows", String.format(Locale.ROOT, "%,d by %s (%,d only in this model, %,d only in the other)",
                    r.rows(), r.alignment().by(), r.alignment().onlyA(), r.alignment().onlyB())));
            summary.add(new ReportData.Entry("mutual " + ov.k() + "-NN overlap", String.format(Locale.ROOT, "mean %.3f of %d", ov.mean(), ov.k())));
            summary.add(new ReportData.Entry("linear CKA", String.format(Locale.ROOT, "%.4f (raw rows), %.4f (unit rows)", r.ckaRaw(), r.ckaUnit())));
            if (r.similarities() != null) {
                summary.add(new ReportData.Entry("RSA (Spearman)", String.format(Locale.ROOT, "%.4f over %,d sampled pairs", r.similarities().spearman(), r.similarities().count())));
            }
            summary.add(new ReportData.Entry("Procrustes", String.format(Locale.ROOT, "relative residual %.4f, mean aligned cosine %.4f",
                    r.procrustes().relativeResidual(), r.procrustes().alignedCosine())));
            summary.add(new ReportData.Entry("IsoScore", String.format(Locale.ROOT, "%.4f (this model), %.4f (the other)", r.isotropyA().isoScore(), r.isotropyB().isoScore())));
            List<ReportData.Captioned> figures = new ArrayList<>(data.figures());
            figures.add(new ReportData.Captioned(dev.cossim.plots.CompareCharts.overlapHistogram(ov.k(), ov.histogram(), "this model", "the other", 900, 540),
                    "Rows by how many of their " + ov.k() + " nearest neighbours the two models share (exact)"));
            if (r.similarities() != null) {
                figures.add(new ReportData.Captioned(dev.cossim.plots.CompareCharts.similarityScatter(r.similarities().a(), r.similarities().b(),
                        r.similarities().spearman(), "this model", "the other", 720, 720), "Cosine of sampled pairs in this model against the other"));
            }
            return new ReportData(data.title(), summary, figures, data.neighbors(), data.nearDuplicates());
        }
    }

    /** Each of --pair's two values: a token as the vocabulary spells it, or a row id. */
    private int[] pairIds(EmbeddingModel m) {
        if (pair.size() != 2) {
            throw new CossimException("--pair " + String.join(",", pair) + ": expected two tokens or row ids, A,B");
        }
        int[] ids = new int[2];
        for (int q = 0; q < 2; q++) {
            String a = pair.get(q);
            var id = m.vocabulary().id(a);
            if (id.isPresent()) {
                ids[q] = id.getAsInt();
            } else if (a.matches("[0-9]+")) {
                ids[q] = Integer.parseInt(a);
            } else {
                throw new CossimException("--pair: '" + a + "' is neither a token of this vocabulary nor a row id");
            }
            if (ids[q] >= m.rows()) {
                throw new CossimException("--pair: row " + ids[q] + " is out of range (" + m.rows() + " rows)");
            }
        }
        return ids;
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
