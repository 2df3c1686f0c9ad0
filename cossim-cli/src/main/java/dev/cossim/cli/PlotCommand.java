package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.matrix.Selection;
import dev.cossim.plots.Charts;
import dev.cossim.plots.ColorMap;
import dev.cossim.plots.ColorScale;
import dev.cossim.plots.Defaults;
import dev.cossim.plots.EmbeddingImage;
import dev.cossim.plots.Figure;
import dev.cossim.plots.HeatmapData;
import dev.cossim.plots.HistogramSeries;
import dev.cossim.plots.PairSample;
import dev.cossim.plots.ReportBuilder;
import dev.cossim.plots.RowStats;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.text.HfTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code cossim plot <kind> [MODEL] ... -o FILE.png|.svg}: the seed notebooks' figures, one per command. */
@Command(name = "plot", mixinStandardHelpOptions = true, description = "Draw one figure as PNG or SVG (by the -o file's extension).",
        subcommands = {PlotCommand.Pair.class, PlotCommand.Matrix.class, PlotCommand.Heatmap.class,
                PlotCommand.Hist.class, PlotCommand.Unused.class, PlotCommand.CorrCos.class,
                PlotCommand.Means.class, PlotCommand.Norms.class})
final class PlotCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing the kind of plot: pair, matrix, heatmap, histogram, unused, corr-cos, means, norms");
    }

    /** Options every figure shares. */
    abstract static class Base extends ModelCommand implements Callable<Integer> {
        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Output file: .png or .svg.")
        Path outFile;

        @Option(names = "--width", paramLabel = "PX", description = "Figure width in pixels (default: per figure).")
        Integer width;

        @Option(names = "--height", paramLabel = "PX", description = "Figure height in pixels (default: per figure).")
        Integer height;

        @Option(names = "--title", paramLabel = "TEXT", description = "The figure's title instead of its own.")
        String title;

        @Option(names = "--dpi", paramLabel = "N", defaultValue = "96",
                description = "PNG resolution: 96 draws the stated pixel size, 300 the same figure at 300/96 of it (print). Default: ${DEFAULT-VALUE}.")
        int dpi;

        @Option(names = "--font-size", paramLabel = "PT", description = "Axis-label size in points; titles and ticks scale with it (default: 13).")
        Integer fontSize;

        int w(int def) {
            return width == null ? def : width;
        }

        int h(int def) {
            return height == null ? def : height;
        }

        void checkOut() {
            String f = outFile.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!f.endsWith(".png") && !f.endsWith(".svg")) {
                throw new CossimException("-o " + outFile + ": the output must end in .png or .svg");
            }
            if (dpi < 24 || dpi > 1200) {
                throw new CossimException("--dpi " + dpi + ": choose 24 to 1200 (96 draws the stated pixel size)");
            }
            if (fontSize != null && (fontSize < 6 || fontSize > 48)) {
                throw new CossimException("--font-size " + fontSize + ": choose 6 to 48 points");
            }
            Path dir = outFile.toAbsolutePath().getParent();
            if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
                throw new CossimException("-o " + outFile + ": directory " + dir + " does not exist");
            }
            if (java.nio.file.Files.isDirectory(outFile)) {
                throw new CossimException("-o " + outFile + ": is a directory");
            }
        }

        @Override
        public Integer call() {
            checkOut();
            Figure f = draw().restyle(title, fontSize).dpi(dpi);
            f.write(outFile);
            boolean png = outFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
            out().println("wrote: " + outFile + " (" + (png ? f.pixelWidth() : f.width()) + " x " + (png ? f.pixelHeight() : f.height())
                    + (png && dpi != 96 ? ", " + dpi + " dpi" : "") + ")");
            return 0;
        }

        abstract Figure draw();
    }

    @Command(name = "pair", mixinStandardHelpOptions = true, description = "Two tokens' embedding vectors: values by dimension, and one against the other.")
    static final class Pair extends Base {
        @Parameters(arity = "2..3", paramLabel = "[MODEL] A B", description = "Optional model, then two words, tokens or row ids.")
        List<String> args = new ArrayList<>();

        @Override
        Figure draw() {
            String modelSpec = modelOf(args, 2, "[MODEL] A B");
            List<String> ab = rest(args, 2);
            try (EmbeddingModel m = openModel(modelSpec); HfTokenizer tok = tokenizer(modelSpec)) {
                Term a = Term.resolve(ab.get(0), m, tok, "A");
                Term b = Term.resolve(ab.get(1), m, tok, "B");
                return Charts.embeddingPair(a.text(), floats(a.meanVector(m)), b.text(), floats(b.meanVector(m)), w(1200), h(360));
            }
        }

        static float[] floats(double[] v) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return f;
        }
    }

    @Command(name = "matrix", mixinStandardHelpOptions = true, description = "The embedding matrix as an image: tokens across, dimensions down (bwr).")
    static final class Matrix extends Base {
        @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
        List<String> args = new ArrayList<>();

        @Option(names = "--vmin", description = "Lower colour limit (default: -the 99th percentile of |value|).")
        Double vmin;

        @Option(names = "--vmax", description = "Upper colour limit (default: the 99th percentile of |value|).")
        Double vmax;

        @Option(names = "--cmap", defaultValue = "bwr", description = "Colour map: bwr, RdBu_r, plasma (default: ${DEFAULT-VALUE}).")
        String cmap;

        @Option(names = "--columns", defaultValue = "2048", description = "At most this many columns; runs of tokens are averaged (default: ${DEFAULT-VALUE}).")
        int columns;

        @Override
        Figure draw() {
            if (columns < 1) {
                throw new CossimException("--columns " + columns + ": must be at least 1");
            }
            try (EmbeddingModel m = openModel(modelOf(args, 0, "[MODEL]"))) {
                EmbeddingImage img = EmbeddingImage.of(m.matrix(), columns);
                double lim = img.symmetricLimit();
                ColorScale s = new ColorScale(ColorMap.of(cmap), vmin == null ? -lim : vmin, vmax == null ? lim : vmax);
                return Charts.embeddingMatrix(img, s, w(1200), h(420));
            }
        }
    }

    /** The metric of {@code --metric}, as all-pairs reads it. */
    static Metric metric(String name) {
        return Metric.parse(name);
    }

    /** How a metric's values are named on an axis or colour bar. */
    static String valueLabel(Metric m) {
        return switch (m) {
            case COSINE -> "Cosine similarity";
            case CORRELATION -> "Correlation";
            case DOT -> "Dot product";
            case EUCLIDEAN -> "Euclidean distance";
        };
    }

    @Command(name = "heatmap", mixinStandardHelpOptions = true, description = "Similarity heatmap of all rows or a selection (ids, regex, stride, sample), block mean- or max-pooled to --size, never holding N x N.")
    static final class Heatmap extends Base {
        @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
        List<String> args = new ArrayList<>();

        @Option(names = "--metric", defaultValue = "cosine", description = "cosine, correlation, dot or euclidean (distance) (default: ${DEFAULT-VALUE}).")
        String metric;

        @Mixin
        RowSelectionOptions select;

        @Option(names = "--size", defaultValue = "1024", description = "Blocks per side; the selection is pooled to at most this (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--pool", defaultValue = "mean", description = "mean or max (default: ${DEFAULT-VALUE}).")
        String pool;

        @Option(names = "--cmap", defaultValue = "plasma", description = "plasma, RdBu_r or bwr (default: ${DEFAULT-VALUE}).")
        String cmap;

        @Option(names = "--vmin", description = "Lower colour limit (default: 1st percentile of the blocks).")
        Double vmin;

        @Option(names = "--vmax", description = "Upper colour limit (default: 99th percentile of the blocks).")
        Double vmax;

        @Override
        Figure draw() {
            Metric met = metric(metric);
            boolean max = switch (pool) {
                case "mean" -> false;
                case "max" -> true;
                default -> throw new CossimException("--pool " + pool + ": use mean or max");
            };
            if (size < 1) {
                throw new CossimException("--size " + size + ": must be at least 1");
            }
            ColorMap map = ColorMap.of(cmap);
            Selection selection = select.selection();
            {
                AnalysisResult r = analysis(modelOf(args, 0, "[MODEL]")).metric(met).rows(selection)
                        .heatmap(size).kernel(engine.kernelName()).threads(threads()).progress(progress()).log(EngineOptions.kernelLog(err())).run();
                RowMatrix rows = r.rows();
                dev.cossim.results.Heatmap ph = r.heatmap();
                int blocks = ph.size();
                String what = (selection.isAll() ? "all rows" : String.format(Locale.ROOT, "%s, %,d rows", selection.describe(), rows.size()))
                        + (blocks < rows.size() ? ", " + pool + " of " + blocks + "x" + blocks + " blocks" : "");
                String title = switch (met) {
                    case COSINE -> "Cosine similarities";
                    case CORRELATION -> "Correlations";
                    case DOT -> "Dot products";
                    case EUCLIDEAN -> "Euclidean distances";
                } + " (" + what + ")";
                int[] used = rows.ids();
                int step = used[1] - used[0];
                boolean evenlySpaced = IntStream.range(1, used.length).allMatch(q -> used[q] - used[q - 1] == step);
                String skipped = rows.excludedCount() > 0 ? " (" + rows.excludedCount() + " excluded rows skipped)" : "";
                // Evenly spaced rows (all, a range, a stride) keep the token index on the axes; others are numbered in order.
                HeatmapData h = evenlySpaced
                        ? HeatmapData.of(ph, max, title, "Token index" + skipped, used[0], used[0] + (double) used.length * step, valueLabel(met))
                        : HeatmapData.of(ph, max, title, "Selected rows in id order" + skipped, 0, used.length, valueLabel(met));
                ColorScale def = Defaults.limits(h, map);
                ColorScale s = new ColorScale(map, vmin == null ? def.vmin() : vmin, vmax == null ? def.vmax() : vmax);
                return Charts.heatmap(h, s, w(760), h(640));
            }
        }
    }

    @Command(name = "histogram", mixinStandardHelpOptions = true, description = "Density histogram of every pair's similarity, exact; several models and/or metrics overlaid.")
    static final class Hist extends Base {
        @Parameters(arity = "0..*", paramLabel = "MODEL", description = "Models to overlay (default: the embedded all-MiniLM-L6-v2).")
        List<String> models = new ArrayList<>();

        @Option(names = "--metric", split = ",", defaultValue = "cosine", description = "cosine, correlation, dot, euclidean, or several (comma-separated; default: ${DEFAULT-VALUE}).")
        List<String> metrics;

        @Option(names = "--label", split = ",", paramLabel = "NAME", description = "Legend names of the models, in order (default: their file names).")
        List<String> labels;

        @Option(names = "--log", description = "Log-scale density axis.")
        boolean log;

        @Option(names = "--bins", defaultValue = "100", description = "Display bins over the occupied range (default: ${DEFAULT-VALUE}).")
        int bins;

        @Override
        Figure draw() {
            if (bins < 1 || bins > 2000) {
                throw new CossimException("--bins " + bins + ": must be 1 to 2000");
            }
            List<String> specs = models.isEmpty() ? java.util.Collections.singletonList(null) : models;
            if (labels != null && labels.size() != specs.size()) {
                throw new CossimException("--label " + String.join(",", labels) + ": " + labels.size() + " name(s) for " + specs.size() + " model(s); give one per model, in order");
            }
            List<HistogramSeries> series = new ArrayList<>();
            List<Metric> parsed = metrics.stream().map(PlotCommand::metric).toList();
            TileKernel dots = kernel();
            for (int si = 0; si < specs.size(); si++) {
                String spec = specs.get(si);
                for (Metric metric : parsed) {
                    // Fine bins over bounds every pair respects ([-1, 1]; for dot and euclidean from the largest norm).
                    AnalysisResult r = analysis(spec).metric(metric).histogram(20_000)
                            .kernel(dots).threads(threads()).progress(progress()).run();
                    String model = labels != null ? labels.get(si) : specs.size() > 1 ? r.modelDescription() : null;
                    String label = model == null ? metric.label() : parsed.size() > 1 || labels == null ? model + " " + metric.label() : model;
                    series.add(HistogramSeries.of(label, r.histogram()));
                }
            }
            String title = "Distribution of similarities" + (specs.size() == 1 && specs.getFirst() != null ? "" : "");
            return Charts.histogram(title, parsed.size() == 1 ? valueLabel(parsed.getFirst()) : "Similarity",
                    series, bins, log, w(900), h(450));
        }
    }

    @Command(name = "unused", mixinStandardHelpOptions = true, description = "Strip plot of used vs unused tokens (tokens matching --pattern) by index.")
    static final class Unused extends Base {
        @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
        List<String> args = new ArrayList<>();

        // No defaultValue: picocli would apply it after the hidden alias below and undo it (the field's value is the default).
        @Option(names = "--unused", paramLabel = "REGEX", description = "Regular expression for unused tokens, as report's --unused (default: ${DEFAULT-VALUE}).")
        String pattern = "^\\[unused";

        /** The earlier spelling, kept working. */
        @Option(names = "--pattern", hidden = true)
        void legacyPattern(String p) {
            pattern = p;
        }

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the vertical jitter (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        Figure draw() {
            try (EmbeddingModel m = openModel(modelOf(args, 0, "[MODEL]"))) {
                return Charts.usedUnused(ReportBuilder.unusedMask(m.vocabulary(), m.rows(), pattern), pattern, seed, w(1100), h(330));
            }
        }
    }

    @Command(name = "corr-cos", mixinStandardHelpOptions = true, description = "Scatter of correlation vs cosine for a seeded sample of pairs (double precision), with the line of unity.")
    static final class CorrCos extends Base {
        @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
        List<String> args = new ArrayList<>();

        @Option(names = "--sample-pairs", paramLabel = "N", description = "Pairs to sample (default: ${DEFAULT-VALUE}).")
        int samples = 20_000;

        /** The earlier spelling, kept working. */
        @Option(names = "--samples", hidden = true)
        void legacySamples(int n) {
            samples = n;
        }

        @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        Figure draw() {
            if (samples < 1) {
                throw new CossimException("--samples " + samples + ": must be at least 1");
            }
            try (EmbeddingModel m = openModel(modelOf(args, 0, "[MODEL]"))) {
                return Charts.correlationVsCosine(PairSample.draw(m.matrix(), samples, seed), w(640), h(560));
            }
        }
    }

    /** A figure of per-row statistics of one model (means, norms): one pass over the rows, then a chart. */
    abstract static class RowStatsFigure extends Base {
        @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file or directory (default: the embedded all-MiniLM-L6-v2).")
        List<String> args = new ArrayList<>();

        @Option(names = "--bins", defaultValue = "80", description = "Bins (default: ${DEFAULT-VALUE}).")
        int bins;

        abstract Figure chart(RowStats stats, int bins);

        @Override
        Figure draw() {
            if (bins < 1) {
                throw new CossimException("--bins " + bins + ": must be at least 1");
            }
            try (EmbeddingModel m = openModel(modelOf(args, 0, "[MODEL]"))) {
                return chart(RowStats.of(m.matrix()), bins);
            }
        }
    }

    @Command(name = "means", mixinStandardHelpOptions = true, description = "Histograms of the rows' arithmetic vs L1 means.")
    static final class Means extends RowStatsFigure {
        @Override
        Figure chart(RowStats stats, int bins) {
            return Charts.means(stats, bins, w(760), h(450));
        }
    }

    @Command(name = "norms", mixinStandardHelpOptions = true, description = "Distribution of the rows' L2 norms.")
    static final class Norms extends RowStatsFigure {
        @Override
        Figure chart(RowStats stats, int bins) {
            return Charts.norms(stats, bins, w(760), h(450));
        }
    }
}
