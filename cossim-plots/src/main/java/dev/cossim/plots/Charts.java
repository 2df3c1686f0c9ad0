package dev.cossim.plots;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYDataImageAnnotation;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The seed notebooks' figures, drawn with JFreeChart from plain data (arrays and records), so that any reducer's
 * output can feed them. Style follows the seed: bold titles and axis labels, no grey plot background.
 */
public final class Charts {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /**
     * Series colours for overlays: the Okabe-Ito palette (Wong, Nature Methods 2011), distinguishable with every
     * common colour-vision deficiency; one series keeps the seed's pastel fill.
     */
    static final Color[] SERIES = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xD55E00),
            new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xF0E442)};
    static final Color PINK = new Color(230, 178, 230);

    private Charts() {
    }

    // ---- styling -------------------------------------------------------------------------------------------

    static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis(label);
        style(a);
        return a;
    }

    static void style(ValueAxis a) {
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
        a.setTickLabelPaint(Color.BLACK);
        a.setLabelPaint(Color.BLACK);
        a.setAxisLinePaint(Color.BLACK);
        a.setTickMarkPaint(Color.BLACK);
        // JFreeChart packs ticks as tightly as labels fit; wider label insets give matplotlib-like spacing.
        a.setTickLabelInsets(new RectangleInsets(7, 14, 7, 14));
    }

    static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xe6e6e6));
        plot.setRangeGridlinePaint(new Color(0xe6e6e6));
        plot.setOutlineVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setNoDataMessage(null);
        JFreeChart c = new JFreeChart(title, TITLE, plot, legend);
        c.setBackgroundPaint(Color.WHITE);
        c.setPadding(new RectangleInsets(6, 8, 6, 12));
        LegendTitle l = c.getLegend();
        if (l != null) {
            l.setItemFont(TICK);
            l.setFrame(BlockBorder.NONE);
            l.setPosition(RectangleEdge.TOP);
        }
        return c;
    }

    static Shape circle(double size) {
        return new Ellipse2D.Double(-size / 2, -size / 2, size, size);
    }

    static Color alpha(Color c, double a) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * a));
    }

    /** Points drawn as shapes only, filled with {@code fill} and outlined in black, like matplotlib's 'ko'. */
    static XYLineAndShapeRenderer markers(Shape shape, Paint... fills) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setUseFillPaint(true);
        r.setDrawOutlines(true);
        r.setUseOutlinePaint(true);
        for (int s = 0; s < fills.length; s++) {
            r.setSeriesShape(s, shape);
            r.setSeriesFillPaint(s, fills[s]);
            r.setSeriesPaint(s, fills[s] instanceof Color c ? new Color(c.getRed(), c.getGreen(), c.getBlue()) : fills[s]);
            r.setSeriesOutlinePaint(s, new Color(0, 0, 0, 160));
            r.setSeriesOutlineStroke(s, new BasicStroke(0.6f));
        }
        return r;
    }

    // ---- figures -------------------------------------------------------------------------------------------

    /** The seed's "Embeddings of two words": values by dimension (3/4 of the width) and one against the other. */
    public static Figure embeddingPair(String tokenA, float[] a, String tokenB, float[] b, int width, int height) {
        XYSeries sa = new XYSeries(quote(tokenA), false, true);
        XYSeries sb = new XYSeries(quote(tokenB), false, true);
        XYSeries both = new XYSeries("pair", false, true);
        for (int i = 0; i < a.length; i++) {
            sa.add(i, a[i]);
            sb.add(i, b[i]);
            both.add(a[i], b[i]);
        }
        XYSeriesCollection byDim = new XYSeriesCollection();
        byDim.addSeries(sa);
        byDim.addSeries(sb);
        NumberAxis x = axis("Embeddings dimension");
        x.setRange(-5, a.length + 5);
        NumberAxis y = axis("Value");
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = markers(circle(6), alpha(new Color(230, 178, 178), 0.7), alpha(new Color(178, 230, 178), 0.7));
        r.setSeriesShape(0, new Rectangle2D.Double(-3, -3, 6, 6));
        JFreeChart left = chart("Embeddings of two tokens", new XYPlot(byDim, x, y, r), true);

        NumberAxis xa = axis("Embeddings of " + quote(tokenA));
        NumberAxis yb = axis("Embeddings of " + quote(tokenB));
        xa.setAutoRangeIncludesZero(false);
        yb.setAutoRangeIncludesZero(false);
        JFreeChart right = chart("Cosine similarity " + String.format(Locale.ROOT, "%.3f", cosine(a, b)),
                new XYPlot(new XYSeriesCollection(both), xa, yb, markers(circle(7), alpha(new Color(178, 178, 230), 0.7))), false);
        return new Figure("pair", width, height, List.of(new Figure.Panel(left, 3), new Figure.Panel(right, 1.25)));
    }

    static double cosine(float[] a, float[] b) {
        double num = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            num += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return num / Math.sqrt(na * nb);
    }

    static String quote(String token) {
        return "\"" + token + "\"";
    }

    /**
     * A raster over data coordinates with a colour bar: the embedding matrix or a similarity heatmap. Row 0 of the
     * grid is at the top (as imshow draws it).
     *
     * @param grid row-major {@code rows x cols}; pixel (x, y) covers data x in [xLo + x*(xHi-xLo)/cols, ...)
     */
    public static JFreeChart raster(String title, float[] grid, int rows, int cols, ColorScale scale,
                                    String xLabel, double xLo, double xHi, String yLabel, double yLo, double yHi,
                                    String barLabel) {
        BufferedImage img = scale.image(grid, rows, cols);
        NumberAxis x = axis(xLabel);
        x.setRange(xLo, xHi);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = axis(yLabel);
        y.setRange(yLo, yHi);
        y.setInverted(true);
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(null, x, y, new XYLineAndShapeRenderer());
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.addAnnotation(new XYDataImageAnnotation(img, xLo, yLo, xHi - xLo, yHi - yLo, true));
        JFreeChart c = chart(title, plot, false);
        NumberAxis barAxis = new NumberAxis(barLabel);
        style(barAxis);
        barAxis.setLabelFont(TICK);
        barAxis.setRange(scale.vmin(), scale.vmax());
        PaintScaleLegend bar = new PaintScaleLegend(scale, barAxis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setAxisLocation(org.jfree.chart.axis.AxisLocation.BOTTOM_OR_RIGHT);
        bar.setStripWidth(16);
        bar.setSubdivisionCount(256);
        bar.setAxisOffset(4);
        bar.setMargin(new RectangleInsets(8, 6, 40, 0));
        bar.setStripOutlineVisible(true);
        bar.setBackgroundPaint(Color.WHITE);
        c.addSubtitle(bar);
        return c;
    }

    /** The seed's "Embeddings matrix": tokens along x, dimensions along y, values coloured (bwr by default). */
    public static Figure embeddingMatrix(EmbeddingImage m, ColorScale scale, int width, int height) {
        String title = "Embeddings matrix" + (m.tokensPerColumn() > 1
                ? String.format(Locale.ROOT, " (mean of every %d tokens per column)", m.tokensPerColumn()) : "");
        return new Figure("matrix", width, height, raster(title, m.grid(), m.dims(), m.columns(), scale,
                "Token index", 0, m.tokens(), "Embeddings dimension", 0, m.dims(), "Value"));
    }

    /** A similarity heatmap of pooled or strided blocks, with its colour bar. */
    public static Figure heatmap(HeatmapData h, ColorScale scale, int width, int height) {
        return new Figure("heatmap", width, height, raster(h.title(), h.grid(), h.size(), h.size(), scale,
                h.axisLabel(), h.axisLo(), h.axisHi(), h.axisLabel(), h.axisLo(), h.axisHi(), h.valueLabel()));
    }

    /**
     * Density histograms, overlaid (translucent bars) when there are several; log scale draws bars from just under
     * the smallest positive density, leaving empty bins out.
     */
    public static Figure histogram(String title, String xLabel, List<HistogramSeries> series, int displayBins,
                                   boolean log, int width, int height) {
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        double minPositive = Double.POSITIVE_INFINITY;
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        List<HistogramSeries> shown = series.stream().map(s -> s.regroup(displayBins)).toList();
        for (HistogramSeries s : shown) {
            for (int i = 0; i < s.bins(); i++) {
                double d = s.density(i);
                if (d > 0) {
                    minPositive = Math.min(minPositive, d);
                }
            }
            xMin = Math.min(xMin, s.lo());
            xMax = Math.max(xMax, s.hi());
        }
        double base = log ? Math.pow(10, Math.floor(Math.log10(minPositive))) : 0;
        // The first series as filled bars; every further one as a step line on top of them in its own colour
        // (matplotlib's histtype='step'), so that two nearly equal distributions both stay visible.
        XYSeriesCollection steps = new XYSeriesCollection();
        for (int k = 0; k < shown.size(); k++) {
            HistogramSeries s = shown.get(k);
            String name = s.label() + String.format(Locale.ROOT, " (%,d values)", s.total());
            if (k == 0) {
                XYIntervalSeries is = new XYIntervalSeries(name);
                for (int i = 0; i < s.bins(); i++) {
                    double d = s.density(i);
                    if (log && d <= 0) {
                        continue;
                    }
                    double x0 = s.edge(i), x1 = s.edge(i + 1);
                    is.add((x0 + x1) / 2, x0, x1, d, base, d);
                }
                data.addSeries(is);
            } else {
                XYSeries st = new XYSeries(name, false, true);
                for (int i = 0; i < s.bins(); i++) {
                    st.add(s.edge(i), Math.max(base, s.density(i)));
                }
                st.add(s.edge(s.bins()), Math.max(base, s.density(s.bins() - 1)));
                steps.addSeries(st);
            }
        }
        NumberAxis x = axis(xLabel);
        x.setAutoRangeIncludesZero(false);
        if (xMax > xMin) {
            x.setRange(xMin, xMax);
        }
        ValueAxis y;
        if (log) {
            LogAxis la = new LogAxis("Density (log)");
            la.setBase(10);
            la.setSmallestValue(base);
            la.setStandardTickUnits(NumberAxis.createStandardTickUnits());
            la.setNumberFormatOverride(new java.text.DecimalFormat("0.###E0"));
            y = la;
        } else {
            NumberAxis na = new NumberAxis("Density");
            na.setStandardTickUnits(new NumberTickUnitSource());
            y = na;
        }
        style(y);
        XYBarRenderer r = new XYBarRenderer();
        r.setUseYInterval(true);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(true);
        // One series: the seed's pink bars with black edges; with overlays, the first in the palette's first colour.
        r.setSeriesPaint(0, shown.size() == 1 ? PINK : alpha(SERIES[0], 0.45));
        r.setSeriesOutlinePaint(0, shown.size() == 1 ? Color.BLACK : SERIES[0]);
        r.setSeriesOutlineStroke(0, new BasicStroke(0.6f));
        XYPlot plot = new XYPlot(data, x, y, r);
        if (shown.size() > 1) {
            org.jfree.chart.renderer.xy.XYStepRenderer sr = new org.jfree.chart.renderer.xy.XYStepRenderer();
            sr.setDefaultShapesVisible(false);
            for (int k = 1; k < shown.size(); k++) {
                sr.setSeriesPaint(k - 1, SERIES[k % SERIES.length]);
                sr.setSeriesStroke(k - 1, new BasicStroke(2.2f));
            }
            plot.setDataset(1, steps);
            plot.setRenderer(1, sr);
            plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        }
        JFreeChart c = chart(title, plot, true);
        return new Figure(log ? "histogram-log" : "histogram", width, height, c);
    }

    /**
     * The seed's used-vs-unused strip plot: each token at height 0 (used) or 1 (unused) plus Gaussian jitter
     * (sd 1/40, seeded), so the bands show where in the vocabulary the unused tokens sit.
     */
    public static Figure usedUnused(boolean[] unused, String pattern, long seed, int width, int height) {
        XYSeries used = new XYSeries("Used", false, true);
        XYSeries un = new XYSeries("Unused", false, true);
        SplittableRandom rnd = new SplittableRandom(seed);
        int count = 0;
        for (int i = 0; i < unused.length; i++) {
            double jitter = gaussian(rnd) / 40;
            if (unused[i]) {
                un.add(i, 1 + jitter);
                count++;
            } else {
                used.add(i, jitter);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(used);
        data.addSeries(un);
        NumberAxis x = axis("Token index");
        x.setRange(-15, unused.length + 15);
        SymbolAxis y = new SymbolAxis("", new String[]{"Used", "Unused"});
        style(y);
        y.setRange(-0.5, 1.5);
        y.setGridBandsVisible(false);
        // Tens of thousands of points: translucent dots without outlines read the same and keep the SVG small.
        // Used in the palette's blue, unused in its vermillion (colour-blind-safe), translucent where they pile up.
        XYLineAndShapeRenderer r = markers(circle(3), alpha(SERIES[0], 0.25), alpha(SERIES[3], 0.55));
        r.setDrawOutlines(false);
        int first = -1, last = -1;
        for (int i = 0; i < unused.length; i++) {
            if (unused[i]) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        String span = count == 0 ? "" : count == last - first + 1
                ? String.format(Locale.ROOT, ": ids %,d-%,d", first, last)
                : String.format(Locale.ROOT, ": ids %,d-%,d, %,d others among them", first, last, last - first + 1 - count);
        String title = String.format(Locale.ROOT, "%,d of %,d tokens (%.2f%%) match %s%s",
                count, unused.length, 100.0 * count / Math.max(1, unused.length), pattern, span);
        return new Figure("unused", width, height, chart(title, new XYPlot(data, x, y, r), false));
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller: enough for jitter, and reproducible from the seed.
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The seed's "Correlation by similarity": sampled pairs, correlation on x, cosine on y, and the line of unity. */
    public static Figure correlationVsCosine(PairSample s, int width, int height) {
        XYSeries pts = new XYSeries("pairs", false, true);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < s.size(); p++) {
            pts.add(s.correlation()[p], s.cosine()[p]);
            lo = Math.min(lo, Math.min(s.correlation()[p], s.cosine()[p]));
            hi = Math.max(hi, Math.max(s.correlation()[p], s.cosine()[p]));
        }
        NumberAxis x = axis("Correlation coefficient");
        NumberAxis y = axis("Cosine similarity");
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(new XYSeriesCollection(pts), x, y, markers(circle(5), alpha(new Color(178, 178, 230), 0.3)));
        if (hi > lo) {
            plot.addAnnotation(new XYLineAnnotation(lo, lo, hi, hi,
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 4}, 0), Color.BLACK));
        }
        String title = String.format(Locale.ROOT, "Correlation by similarity (%,d sampled pairs)", s.size());
        return new Figure("correlation-vs-cosine", width, height, chart(title, plot, false));
    }

    /** The seed's "Distributions of arithmetic vs. L1 means": count per bin as lines. */
    public static Figure means(RowStats stats, int bins, int width, int height) {
        return lines("means", "Distributions of arithmetic vs. L1 means", "Mean values", "Count",
                List.of(HistogramSeries.of("Arithmetic means", stats.finite(stats.arithmeticMeans()), bins),
                        HistogramSeries.of("L1 means", stats.finite(stats.l1Means()), bins)), width, height);
    }

    /** Distribution of the rows' L2 norms (the 2nd seed checks their mean and spread before choosing cosine). */
    public static Figure norms(RowStats stats, int bins, int width, int height) {
        double[] n = stats.finite(stats.norms());
        double mean = 0;
        for (double v : n) {
            mean += v;
        }
        mean /= Math.max(1, n.length);
        double ss = 0;
        for (double v : n) {
            ss += (v - mean) * (v - mean);
        }
        String title = String.format(Locale.ROOT, "Distribution of norms (mean %.4g, std %.4g)", mean,
                Math.sqrt(ss / Math.max(1, n.length - 1)));
        return lines("norms", title, "L2 norm", "Count", List.of(HistogramSeries.of("L2 norms", n, bins)), width, height);
    }

    static Figure lines(String name, String title, String xLabel, String yLabel, List<HistogramSeries> series,
                        int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (HistogramSeries s : series) {
            XYSeries xy = new XYSeries(s.label(), false, true);
            for (int i = 0; i < s.bins(); i++) {
                xy.add(s.edge(i), s.counts()[i]);
            }
            data.addSeries(xy);
        }
        NumberAxis x = axis(xLabel);
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = axis(yLabel);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int s = 0; s < series.size(); s++) {
            r.setSeriesPaint(s, SERIES[s % SERIES.length]);
            r.setSeriesStroke(s, new BasicStroke(2f));
        }
        return new Figure(name, width, height, chart(title, new XYPlot(data, x, y, r), series.size() > 1));
    }
}
