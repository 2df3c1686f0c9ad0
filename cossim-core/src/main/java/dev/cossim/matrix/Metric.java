package dev.cossim.matrix;

import dev.cossim.CossimException;
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

    public static Metric parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CossimException("--metric " + s + ": unknown metric (choose cosine, correlation, dot or euclidean)");
        }
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
        float[] data = m.data();
        int d = m.dim();
        for (int r = 0; r < m.size(); r++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                double x = data[r * d + k];
                ss += x * x;
            }
            max = Math.max(max, ss);
        }
        // A relative margin of 1e-6 keeps values rounded in float32 at the bound inside the range.
        double sq = max * (1 + 1e-6);
        return this == DOT ? new double[]{-sq, sq} : new double[]{0, 2 * Math.sqrt(sq)};
    }
}
