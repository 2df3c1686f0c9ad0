package dev.cossim.plots;

import dev.cossim.ParameterException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.NearDuplicateGroups;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.NormStatistics;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.results.Group;
import dev.cossim.results.Heatmap;
import dev.cossim.results.NeighborTable;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Pair;
import dev.cossim.results.Statistics;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.vocab.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import dev.cossim.results.Pair;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Group;

/**
 * Computes a model's report: one all-pairs pass over the cosine tiles feeding every reducer at once
 * (one {@link Analysis}: summary, top-k, pooled heatmap, near-duplicate groups), an optional second pass for the correlation histogram (other normalisation, so other
 * tiles), and the cheap per-row loops (means, norms, the sampled correlation-vs-cosine pairs).
 */
public final class ReportBuilder {
    /**
     * Options of a report; the defaults match {@code cossim report}'s. Pairs with cosine >= {@code threshold} are
     * near-duplicates; at most {@code maxPairs} of them are kept (12 bytes each) to group them.
     */
    public record Options(int k, int heatmapSize, int bins, boolean correlation, int samplePairs, long seed,
                          String unusedPattern, int embeddingColumns, int[] pair, double threshold, long maxPairs) {
        public static final double DEFAULT_THRESHOLD = 0.8;
        public static final long DEFAULT_MAX_PAIRS = 20_000_000;

        public static Options defaults() {
            return new Options(10, 1024, 2000, true, 20_000, 42, "^\\[unused", 2048, null, DEFAULT_THRESHOLD, DEFAULT_MAX_PAIRS);
        }
    }

    private final TileKernel kernel;
    private final int threads;
    private final int block;
    private final ProgressListener progress;
    private final Consumer<String> log;

    /**
     * @param kernel the dot-product tile kernel both passes use
     * @param block  rows per tile block (0: the kernel's preferred size)
     */
    public ReportBuilder(TileKernel kernel, int threads, int block, ProgressListener progress, Consumer<String> log) {
        this.kernel = kernel;
        this.threads = threads;
        this.block = block;
        this.progress = progress;
        this.log = log;
    }

    private Analysis request(EmbeddingModel m, Metric metric) {
        return Analysis.of(m).metric(metric).kernel(kernel).threads(threads).block(block).progress(progress);
    }

    public ReportData build(EmbeddingModel m, Options o) {
        Vocabulary vocab = m.vocabulary();
        log.accept("pass 1: cosine tiles -> histogram, statistics, top-" + o.k() + ", " + Math.min(o.heatmapSize(), m.rows())
                + "^2 pooled heatmap, near-duplicates >= " + o.threshold());
        AnalysisResult r = request(m, Metric.COSINE).histogram(o.bins()).range(-1, 1).topK(o.k()).heatmap(o.heatmapSize())
                .nearDuplicates(o.threshold(), o.maxPairs()).run();
        RowMatrix rows = r.rows();
        double cosSeconds = r.seconds();

        AnalysisResult corr = null;
        double corrSeconds = 0;
        if (o.correlation()) {
            log.accept("pass 2: correlation tiles (mean-centred rows) -> histogram, statistics");
            corr = request(m, Metric.CORRELATION).histogram(o.bins()).range(-1, 1).run();
            corrSeconds = corr.seconds();
        }
        log.accept("per-row means and norms, " + o.samplePairs() + " sampled pairs, embedding image");
        RowStats stats = RowStats.of(m.matrix());
        PairSample sample = PairSample.draw(m.matrix(), o.samplePairs(), o.seed());
        EmbeddingImage image = EmbeddingImage.of(m.matrix(), o.embeddingColumns());
        NormStatistics norms = NormStatistics.of(m.matrix());
        boolean[] unused = unusedMask(vocab, m.rows(), o.unusedPattern());

        log.accept("drawing figures");
        List<ReportData.Captioned> figs = new ArrayList<>();
        int[] pair = o.pair() != null ? o.pair() : defaultPair(vocab, m.rows());
        float[] va = new float[m.dim()], vb = new float[m.dim()];
        m.matrix().readFloats((long) pair[0] * m.dim(), va, 0, m.dim());
        m.matrix().readFloats((long) pair[1] * m.dim(), vb, 0, m.dim());
        String name = m.description();
        Heatmap ph = r.heatmap();
        int n = rows.size();
        String pooled = ph.size() == n ? "every row" : String.format(Locale.ROOT, "%d x %d blocks of about %d rows", ph.size(), ph.size(), Math.round((double) n / ph.size()));
        HeatmapData mean = HeatmapData.of(ph, false, "Token cosine similarities (block mean)", "Tokens (packed row)", 0, n, "Cosine similarity");
        HeatmapData max = HeatmapData.of(ph, true, "Token cosine similarities (block max)", "Tokens (packed row)", 0, n, "Cosine similarity");
        figs.add(new ReportData.Captioned(Charts.heatmap(mean, Defaults.limits(mean, ColorMap.PLASMA), 760, 640),
                "Cosine similarity matrix of all " + n + " rows, mean-pooled into " + pooled + " (plasma; limits: 1st-99th percentile of the blocks)."));
        figs.add(new ReportData.Captioned(Charts.heatmap(max, Defaults.limits(max, ColorMap.PLASMA), 760, 640),
                "The same blocks, max-pooled: bright spots are near-duplicate pairs."));
        List<HistogramSeries> hs = new ArrayList<>();
        hs.add(HistogramSeries.of("cosine", r.histogram()));
        if (corr != null) {
            hs.add(HistogramSeries.of("correlation", corr.histogram()));
        }
        figs.add(new ReportData.Captioned(Charts.histogram("Distribution of similarities", "Similarity", hs, 100, false, 900, 450),
                "Exact histogram of every unordered pair (density)."));
        figs.add(new ReportData.Captioned(Charts.histogram("Distribution of similarities (log)", "Similarity", hs, 100, true, 900, 450),
                "The same on a log scale: the tails."));
        figs.add(new ReportData.Captioned(Charts.correlationVsCosine(sample, 640, 560),
                "Correlation (mean-centred cosine) against cosine for a seeded sample of pairs, computed in double; dashed: the line of unity."));
        figs.add(new ReportData.Captioned(Charts.means(stats, 80, 760, 450), "Per-row arithmetic mean and mean absolute value (L1 mean)."));
        figs.add(new ReportData.Captioned(Charts.norms(stats, 80, 760, 450), "Per-row L2 norms."));
        figs.add(new ReportData.Captioned(Charts.usedUnused(unused, o.unusedPattern(), o.seed(), 1100, 330),
                "Tokens matching " + o.unusedPattern() + " (unused) and the rest, by index, with vertical jitter."));
        figs.add(new ReportData.Captioned(Charts.embeddingPair(vocab.display(pair[0]), va, vocab.display(pair[1]), vb, 1200, 360),
                "Two tokens' embedding vectors (ids " + pair[0] + " and " + pair[1] + "): values by dimension, and one against the other."));
        double lim = image.symmetricLimit();
        figs.add(new ReportData.Captioned(Charts.embeddingMatrix(image, new ColorScale(ColorMap.BWR, -lim, lim), 1200, 420),
                String.format(Locale.ROOT, "The embedding matrix (bwr, limits +-%.3g: 99th percentile of |value|).", lim)));

        List<ReportData.Entry> s = new ArrayList<>();
        Statistics st = r.statistics();
        s.add(new ReportData.Entry("model", name + "  " + m.matrix().describe()));
        s.add(new ReportData.Entry("rows", String.format(Locale.ROOT, "%,d used, %d excluded (%d zero, %d non-finite), dim %d",
                n, rows.excludedCount(), rows.zeroRows().length, rows.nonFiniteRows().length, rows.dim())));
        s.add(new ReportData.Entry("pairs", String.format(Locale.ROOT, "%,d (every unordered pair, exact)", st.count())));
        s.add(new ReportData.Entry("cosine mean / std", String.format(Locale.ROOT, "%.6f / %.6f", st.mean(), st.std())));
        s.add(new ReportData.Entry("cosine min", pair(vocab, st.min())));
        s.add(new ReportData.Entry("cosine max", pair(vocab, st.max())));
        if (corr != null) {
            Statistics cs = corr.statistics();
            s.add(new ReportData.Entry("correlation mean / std", String.format(Locale.ROOT, "%.6f / %.6f", cs.mean(), cs.std())));
            s.add(new ReportData.Entry("correlation min", pair(vocab, cs.min())));
            s.add(new ReportData.Entry("correlation max", pair(vocab, cs.max())));
        }
        s.add(new ReportData.Entry("L2 norms", String.format(Locale.ROOT, "mean %.6f, std %.6f, min %.6f, max %.6f",
                norms.mean(), norms.std(), norms.min(), norms.max())));
        int unusedCount = 0;
        for (boolean b : unused) {
            unusedCount += b ? 1 : 0;
        }
        s.add(new ReportData.Entry("tokens matching " + o.unusedPattern(), String.format(Locale.ROOT, "%,d of %,d", unusedCount, unused.length)));
        s.add(new ReportData.Entry("time", String.format(Locale.ROOT, "cosine pass %.1f s%s on %d threads, %s kernel",
                cosSeconds, corr != null ? String.format(Locale.ROOT, ", correlation pass %.1f s", corrSeconds) : "",
                r.threads(), r.kernel())));

        NearDuplicateGroups nd = r.nearDuplicates();
        s.add(new ReportData.Entry("near-duplicates", String.format(Locale.ROOT, "%,d pairs with cosine >= %s", nd.count(), o.threshold())));
        return new ReportData(name, s, figs, neighborTable(r.topK(), vocab, m.rows()), nearDuplicateGroups(nd, o));
    }

    /** The reducer's groups as the page lists them (original ids, largest first); no groups when too many pairs to keep. */
    static ReportData.NearDuplicates nearDuplicateGroups(NearDuplicateGroups nd, Options o) {
        List<int[]> groups = nd.complete() ? nd.groups().stream().map(Group::ids).toList() : null;
        return new ReportData.NearDuplicates("cosine", o.threshold(), nd.count(), o.maxPairs(), groups);
    }

    /** The seed's first example, "hello" and "world", when the vocabulary has both; else rows at 1/3 and 2/3. */
    static int[] defaultPair(Vocabulary v, int rows) {
        var a = v.id("hello");
        var b = v.id("world");
        if (a.isPresent() && b.isPresent() && a.getAsInt() < rows && b.getAsInt() < rows) {
            return new int[]{a.getAsInt(), b.getAsInt()};
        }
        return new int[]{rows / 3, 2 * rows / 3};
    }

    static String pair(Vocabulary v, Pair p) {
        return String.format(Locale.ROOT, "%.6f  \"%s\" (%d) ~ \"%s\" (%d)", p.similarity(), v.display(p.i()), p.i(), v.display(p.j()), p.j());
    }

    /** The unused-token pattern, compiled; a bad one fails here, before any work. */
    public static Pattern unusedPattern(String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ParameterException("unused pattern", "'" + pattern + "'", "not a regular expression (" + e.getDescription() + ")");
        }
    }

    /** Rows whose token matches the pattern (find, not full match: "^\\[unused" anchors itself). */
    public static boolean[] unusedMask(Vocabulary v, int rows, String pattern) {
        Pattern p = unusedPattern(pattern);
        boolean[] out = new boolean[rows];
        for (int id = 0; id < rows; id++) {
            String t = id < v.size() ? v.token(id) : null;
            out[id] = t != null && p.matcher(t).find();
        }
        return out;
    }

    static ReportData.NeighborTable neighborTable(NeighborTable top, Vocabulary v, int rows) {
        if (top == null) {
            return null;
        }
        String[] tokens = new String[rows];
        for (int id = 0; id < rows; id++) {
            tokens[id] = v.display(id);
        }
        int k = top.k();
        int[] ids = new int[top.rows()];
        int[] nbrs = new int[top.rows() * k];
        float[] sims = new float[top.rows() * k];
        java.util.Arrays.fill(nbrs, -1);
        for (int r = 0; r < top.rows(); r++) {
            Neighbors nb = top.neighbors(r);
            ids[r] = nb.id();
            System.arraycopy(nb.ids(), 0, nbrs, r * k, nb.ids().length);
            System.arraycopy(nb.similarities(), 0, sims, r * k, nb.similarities().length);
        }
        return new ReportData.NeighborTable(tokens, k, ids, nbrs, sims);
    }
}
