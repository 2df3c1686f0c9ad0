package dev.cossim.matrix;

import dev.cossim.ParameterException;
import dev.cossim.kernel.EuclideanTileKernel;
import dev.cossim.kernel.TileKernel;

import java.util.Locale;

/**
 * What a "similarity" value means: how rows are prepared and what the tile kernel's output is. Cosine, correlation
 * and dot are plain dot products of prepared rows; Euclidean distance is derived from dot products and the two rows'
 * squared norms (see {@link EuclideanTileKernel}), and for it "most similar" means the smallest value.
 */
public enum Metric {
    /** Cosine similarity: rows scaled to unit length. */
    COSINE(Normalization.UNIT, true),
    /** Pearson correlation: each row mean-centred across its dimensions, then scaled to unit length. */
    CORRELATION(Normalization.CENTRED_UNIT, true),
    /** Raw inner product. */
    DOT(Normalization.NONE, false),
    /** Euclidean distance between the raw rows; smaller is more similar. */
    EUCLIDEAN(Normalization.NONE, false);

    private final Normalization normalization;
    private final boolean boundedByOne;

    Metric(Normalization normalization, boolean boundedByOne) {
        this.normalization = normalization;
        this.boundedByOne = boundedByOne;
    }

    /** A metric by name, as users write it: cosine (cos), correlation (corr, pearson), dot (ip, inner), euclidean (l2, euclid). */
    public static Metric parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "cosine", "cos" -> COSINE;
            case "correlation", "corr", "pearson" -> CORRELATION;
            case "dot", "ip", "inner" -> DOT;
            case "euclidean", "l2", "euclid" -> EUCLIDEAN;
            default -> throw new ParameterException("metric", s, "unknown metric (choose cosine, correlation, dot or euclidean)");
        };
    }

    /** Lower-case name as users write it and reports print it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Normalization normalization() {
        return normalization;
    }

    /** True when smaller values mean more similar (distances). */
    public boolean smallerIsCloser() {
        return this == EUCLIDEAN;
    }

    /** Whether larger values are nearer (cosine, correlation, dot) or smaller ones (Euclidean distance). */
    public boolean largest() {
        return !smallerIsCloser();
    }

    /**
     * The exact value in double of two raw vectors: the reference every kernel is checked against. Correlation
     * centres both on their own means first; zero-length vectors give NaN for cosine and correlation.
     */
    public double score(double[] q, double[] x) {
        double mq = 0, mx = 0;
        if (this == CORRELATION) {
            for (int i = 0; i < q.length; i++) {
                mq += q[i];
                mx += x[i];
            }
            mq /= q.length;
            mx /= x.length;
        }
        double dot = 0, qq = 0, xx = 0, dd = 0;
        for (int i = 0; i < q.length; i++) {
            double a = q[i] - mq, b = x[i] - mx;
            dot += a * b;
            qq += a * a;
            xx += b * b;
            double diff = q[i] - x[i];
            dd += diff * diff;
        }
        return switch (this) {
            case COSINE, CORRELATION -> dot / Math.sqrt(qq * xx);
            case DOT -> dot;
            case EUCLIDEAN -> Math.sqrt(dd);
        };
    }

    /** The kernel whose tiles hold this metric's values, given a dot-product kernel. */
    public TileKernel kernel(TileKernel dots) {
        return this == EUCLIDEAN ? new EuclideanTileKernel(dots) : dots;
    }

    /** The value of a row with itself, or NaN when it depends on the row (dot). */
    public double selfValue() {
        return switch (this) {
            case COSINE, CORRELATION -> 1;
            case EUCLIDEAN -> 0;
            case DOT -> Double.NaN;
        };
    }

    /** [-1, 1] for the metrics bounded by one (known before any row is read), else null. */
    public double[] fixedBounds() {
        return boundedByOne ? new double[]{-1, 1} : null;
    }

    /**
     * Bounds that hold for every pair of the prepared rows: [-1, 1] for cosine and correlation; for dot
     * [-M^2, M^2] and for Euclidean [0, 2M], where M is the largest row norm (Cauchy-Schwarz and the triangle
     * inequality). A degenerate range (all rows zero length cannot happen: those are excluded) is widened.
     */
    public double[] bounds(RowMatrix m) {
        if (boundedByOne) {
            return new double[]{-1, 1};
        }
        double max = 0;
        int d = m.dim();
        float[] row = new float[d];
        for (int r = 0; r < m.size(); r++) {
            m.readRows(r, 1, row, 0);
            double ss = 0;
            for (int k = 0; k < d; k++) {
                double x = row[k];
                ss += x * x;
            }
            max = Math.max(max, ss);
        }
        // A relative margin of 1e-6 keeps values rounded in float32 at the bound inside the range.
        double sq = max * (1 + 1e-6);
        return this == DOT ? new double[]{-sq, sq} : new double[]{0, 2 * Math.sqrt(sq)};
    }
}
