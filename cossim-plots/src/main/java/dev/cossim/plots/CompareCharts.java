package dev.cossim.plots;

import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;

/**
 * The figures of {@code cossim compare}, drawn from plain arrays in the style of {@link Charts}: the histogram of
 * mutual kNN overlaps, the two models' similarities on sampled pairs, and each dimension's share of the mean cosine.
 */
public final class CompareCharts {
    private CompareCharts() {
    }

    /** Rows by how many of their k nearest neighbours the two models share: counts[c] rows share c (c = 0..k). */
    public static Figure overlapHistogram(int k, long[] counts, String nameA, String nameB, int width, int height) {
        XYSeries s = new XYSeries("rows", false, true);
        long total = 0;
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            s.add(c, counts[c]);
            total += counts[c];
            sum += (double) c * counts[c];
        }
        XYBarRenderer r = new XYBarRenderer(0.1);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, Charts.SERIES[0]);
        NumberAxis x = Charts.axis("Shared neighbours |N_A(i) ∩ N_B(i)| at k = " + k);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setRange(-0.6, k + 0.6);
        NumberAxis y = Charts.axis("Rows");
        XYPlot plot = new XYPlot(new XYSeriesCollection(s), x, y, r);
        String title = String.format(Locale.ROOT, "Mutual %d-NN overlap, %s vs %s (mean %.2f of %d, %,d rows)",
                k, nameA, nameB, total == 0 ? 0 : sum / total, k, total);
        return new Figure("overlap-k" + k, width, height, Charts.chart(title, plot, false));
    }

    /** Cosine in A (x) against cosine in B (y) on sampled pairs, with the line of unity. */
    public static Figure similarityScatter(double[] a, double[] b, double spearman, String nameA, String nameB, int width, int height) {
        XYSeries pts = new XYSeries("pairs", false, true);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int shown = Math.min(a.length, 20_000);
        for (int p = 0; p < shown; p++) {
            pts.add(a[p], b[p]);
            lo = Math.min(lo, Math.min(a[p], b[p]));
            hi = Math.max(hi, Math.max(a[p], b[p]));
        }
        NumberAxis x = Charts.axis("Cosine similarity in " + nameA);
        NumberAxis y = Charts.axis("Cosine similarity in " + nameB);
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(new XYSeriesCollection(pts), x, y,
                Charts.markers(Charts.circle(4), Charts.alpha(new Color(178, 178, 230), 0.3)));
        if (hi > lo) {
            plot.addAnnotation(new XYLineAnnotation(lo, lo, hi, hi,
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 4}, 0), Color.BLACK));
        }
        String title = String.format(Locale.ROOT, "Similarities of sampled pairs (%,d shown of %,d; Spearman %.3f)", shown, a.length, spearman);
        return new Figure("similarities", width, height, Charts.chart(title, plot, false));
    }

    /** Each dimension's contribution to the mean cosine of all pairs (rogue dimensions stand out), one model. */
    public static Figure dimensionContributions(String name, double[] contribution, double meanCosine, int width, int height) {
        XYSeries s = new XYSeries("contribution", false, true);
        for (int d = 0; d < contribution.length; d++) {
            s.add(d, contribution[d]);
        }
        XYBarRenderer r = new XYBarRenderer(0.0);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, Charts.SERIES[3]);
        NumberAxis x = Charts.axis("Dimension");
        x.setRange(-0.5, contribution.length - 0.5);
        NumberAxis y = Charts.axis("Contribution to the mean cosine");
        XYPlot plot = new XYPlot(new XYSeriesCollection(s), x, y, r);
        String title = String.format(Locale.ROOT, "%s: per-dimension contribution to the mean cosine %.4f", name, meanCosine);
        return new Figure("dimensions", width, height, Charts.chart(title, plot, false));
    }
}
