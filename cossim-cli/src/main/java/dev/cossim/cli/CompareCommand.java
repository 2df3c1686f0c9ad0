package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.compare.Alignment;
import dev.cossim.compare.Comparison;
import dev.cossim.compare.ComparisonReport;
import dev.cossim.compare.ComparisonResult;
import dev.cossim.compare.Isotropy;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.plots.CompareCharts;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.source.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

@Command(name = "compare", description = {
        "Compare two embedding spaces over the rows they share (aligned by token string, or by id when either has no vocabulary):",
        "exact mutual k-nearest-neighbour overlap, linear CKA, RSA (Spearman of sampled pair similarities), orthogonal Procrustes,",
        "and the isotropy of each side (mean cosine, IsoScore, partition ratio, principal components, rogue dimensions)."})
final class CompareCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", paramLabel = "[A] B", description = "Models or matrices to compare (A defaults to the embedded model).")
    List<String> args = new ArrayList<>();

    @Option(names = {"-k", "--top-k"}, split = ",", paramLabel = "K[,K...]",
            description = "Neighbourhood sizes of the mutual kNN overlap, e.g. 5,10,50 (default: 10); one top-k pass per model serves all.")
    int[] ks = {10};

    @Option(names = "--sample-pairs", paramLabel = "N", defaultValue = "100000",
            description = "Pairs in the seeded sample (--seed) of the RSA correlation and the scatter figure (0: none). Default: ${DEFAULT-VALUE}.")
    int samplePairs;

    @Option(names = "--center", description = "Also report isotropy after subtracting each side's mean row.")
    boolean center;

    @Option(names = "--remove-top-pcs", paramLabel = "N", defaultValue = "0",
            description = "Also report isotropy after centring and removing the top N principal components (all-but-the-top).")
    int removeTopPcs;

    @Option(names = "--tensor-b", paramLabel = "NAME", description = "Tensor of B (default: the token embeddings found by name).")
    String tensorB;

    @Option(names = "--vocab-b", paramLabel = "FILE", description = "tokenizer.json or vocab.txt of B (default: the one beside B).")
    Path vocabB;

    @Option(names = "--show", paramLabel = "N", defaultValue = "8", description = "Rows listed as agreeing most and least, and as moved most. Default: ${DEFAULT-VALUE}.")
    int show;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Write summary.json, rows.tsv and the figures (PNG) to DIR.")
    Path outDir;

    @Mixin
    RowSelectionOptions select;

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Override
    public Integer call() throws IOException {
        if (show < 0) {
            throw new CossimException("--show " + show + ": must be 0 or more");
        }
        String specA = args.size() == 2 ? args.getFirst() : null;
        String specB = args.getLast();
        try (EmbeddingModel a = openModel(specA); EmbeddingModel b = warned(ModelLoader.open(specB, tensorB, vocabB))) {
            ComparisonResult r = checkpoint.apply(Comparison.of(a, b).rows(select.selection()).k(ks).samplePairs(samplePairs, select.seed)
                    .center(center).removeTopPcs(removeTopPcs).threads(threads()).kernel(engine.kernelName()).progress(progress()).log(EngineOptions.kernelLog(err()))).run();
            PrintWriter o = out();
            print(o, r, show);
            if (outDir != null) {
                try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
                    AllPairsReport.writeJson(ComparisonReport.summary(r), dir.file("summary.json"));
                    ComparisonReport.writeRows(r, dir.file("rows.tsv"));
                    List<String> figures = new ArrayList<>();
                    for (ComparisonResult.Overlap ov : r.overlaps()) {
                        String f = "overlap-k" + ov.k() + ".png";
                        png(dir, f, CompareCharts.overlapHistogram(ov.k(), ov.histogram(), "A", "B", 900, 540));
                        figures.add(f);
                    }
                    if (r.similarities() != null) {
                        png(dir, "similarities.png", CompareCharts.similarityScatter(r.similarities().a(), r.similarities().b(),
                                r.similarities().spearman(), "A", "B", 720, 720));
                        figures.add("similarities.png");
                    }
                    png(dir, "dimensions-a.png", CompareCharts.dimensionContributions("A", r.isotropyA().dimensionContribution(),
                            r.isotropyA().meanCosine(), 900, 480));
                    png(dir, "dimensions-b.png", CompareCharts.dimensionContributions("B", r.isotropyB().dimensionContribution(),
                            r.isotropyB().meanCosine(), 900, 480));
                    figures.add("dimensions-a.png");
                    figures.add("dimensions-b.png");
                    dir.commit();
                    o.println("wrote:      " + dir.finalPath("summary.json") + ", rows.tsv, " + String.join(", ", figures));
                }
            }
        }
        return 0;
    }

    /** A figure as PNG into the output directory (committed with the rest). */
    private static void png(AtomicOutputDir dir, String name, dev.cossim.plots.Figure f) throws IOException {
        java.nio.file.Files.write(dir.file(name), f.toPng());
    }

    static void print(PrintWriter o, ComparisonResult r, int show) {
        Alignment al = r.alignment();
        o.printf(Locale.ROOT, "A:          %s (dim %d)%n", r.modelA(), r.dimA());
        o.printf(Locale.ROOT, "B:          %s (dim %d)%n", r.modelB(), r.dimB());
        o.printf(Locale.ROOT, "rows:       %,d aligned by %s%s (%,d only in A, %,d only in B, %,d duplicate tokens, %,d zero or non-finite)%n",
                al.size(), al.by(), r.selection().isAll() ? "" : " from " + r.selection().describe(), al.onlyA(), al.onlyB(),
                al.duplicatesA() + al.duplicatesB(), al.unusable());
        o.println("mutual kNN overlap (cosine, exact):");
        for (ComparisonResult.Overlap ov : r.overlaps()) {
            StringBuilder h = new StringBuilder();
            for (int c = 0; c < ov.histogram().length; c++) {
                h.append(c == 0 ? "" : " ").append(c).append(':').append(ov.histogram()[c]);
            }
            o.printf(Locale.ROOT, "  k=%-4d mean %.3f of %d (%.1f%%); rows by shared neighbours %s%n", ov.k(), ov.mean(), ov.k(),
                    100 * ov.mean() / ov.k(), h);
        }
        if (show > 0) {
            ComparisonResult.Overlap first = r.overlaps().getFirst();
            o.printf(Locale.ROOT, "  agree most (k=%d):  %s%n", first.k(), list(r, first.most(show), i -> Integer.toString(first.perRow()[i])));
            o.printf(Locale.ROOT, "  agree least (k=%d): %s%n", first.k(), list(r, first.least(show), i -> Integer.toString(first.perRow()[i])));
        }
        o.printf(Locale.ROOT, "CKA:        linear %.4f (raw rows), %.4f (unit rows)%n", r.ckaRaw(), r.ckaUnit());
        if (r.similarities() != null) {
            o.printf(Locale.ROOT, "RSA:        Spearman %.4f, Pearson %.4f of the cosines of %,d sampled pairs (seed %d)%n",
                    r.similarities().spearman(), r.similarities().pearson(), r.similarities().count(), r.similarities().seed());
        }
        ComparisonResult.Procrustes p = r.procrustes();
        o.printf(Locale.ROOT, "Procrustes: unit rows, %s: residual %.2f (relative %.4f), mean aligned cosine %.4f%n",
                p.shape(), p.residual(), p.relativeResidual(), p.alignedCosine());
        if (show > 0) {
            o.printf(Locale.ROOT, "  moved most: %s%n", list(r, p.movedMost(show), i -> String.format(Locale.ROOT, "%.3f", p.perRow()[i])));
        }
        boolean t = r.transform() != null;
        o.printf(Locale.ROOT, "isotropy:   %14s %14s%s%n", "A", "B", t ? String.format(Locale.ROOT, " %14s %14s   (%s)", "A'", "B'", r.transform()) : "");
        row(o, "mean cosine", t, r, Isotropy::meanCosine);
        row(o, "IsoScore", t, r, Isotropy::isoScore);
        row(o, "partition", t, r, Isotropy::partitionRatio);
        row(o, "top-1 PC", t, r, iso -> iso.topShare(1));
        row(o, "top-10 PCs", t, r, iso -> iso.topShare(10));
        o.printf(Locale.ROOT, "  rogue dims of A: %s%n", rogue(r.isotropyA()));
        o.printf(Locale.ROOT, "  rogue dims of B: %s%n", rogue(r.isotropyB()));
        o.printf(Locale.ROOT, "time:       %.2f s on %d threads, %s kernel%n", r.seconds(), r.threads(), r.kernel());
    }

    private static void row(PrintWriter o, String what, boolean t, ComparisonResult r, java.util.function.ToDoubleFunction<Isotropy> f) {
        o.printf(Locale.ROOT, "  %-11s %12.4f %14.4f%s%n", what, f.applyAsDouble(r.isotropyA()), f.applyAsDouble(r.isotropyB()),
                t ? String.format(Locale.ROOT, " %14.4f %14.4f", f.applyAsDouble(r.transformedA()), f.applyAsDouble(r.transformedB())) : "");
    }

    private static String rogue(Isotropy iso) {
        StringBuilder s = new StringBuilder();
        for (int d : iso.rogueDimensions(3)) {
            s.append(s.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%d (%.2e)", d, iso.dimensionContribution()[d]));
        }
        return s.toString();
    }

    private static String list(ComparisonResult r, int[] rows, IntFunction<String> value) {
        StringBuilder s = new StringBuilder();
        for (int i : rows) {
            s.append(s.isEmpty() ? "" : "  ").append(r.token(i)).append(" (").append(value.apply(i)).append(')');
        }
        return s.toString();
    }
}
