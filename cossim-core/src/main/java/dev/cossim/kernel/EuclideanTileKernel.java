package dev.cossim.kernel;

/**
 * Euclidean distances from a dot-product kernel: {@code |a - b| = sqrt(|a|^2 + |b|^2 - 2 a.b)}, with the squared
 * norms taken in double for the rows of each tile (a cost of (m + n) d against the tile's m n d). The expansion
 * loses precision for nearly equal rows (the squared distance carries an absolute error of about 1e-7 (|a|^2 + |b|^2),
 * as in faiss and scikit-learn); negative rounding is clamped to zero. Stateless and thread-safe.
 */
public final class EuclideanTileKernel implements TileKernel {
    private final TileKernel dots;

    public EuclideanTileKernel(TileKernel dots) {
        this.dots = dots;
    }

    @Override
    public String name() {
        return dots.name();
    }

    @Override
    public int preferredBlock() {
        return dots.preferredBlock();
    }

    @Override
    public void dots(float[] a, int aRow, int m, float[] b, int bRow, int n, int d, float[] out) {
        dots.dots(a, aRow, m, b, bRow, n, d, out);
        double[] na = squaredNorms(a, aRow, m, d);
        double[] nb = a == b && aRow == bRow && m == n ? na : squaredNorms(b, bRow, n, d);
        for (int i = 0; i < m; i++) {
            int base = i * n;
            for (int j = 0; j < n; j++) {
                double sq = na[i] + nb[j] - 2.0 * out[base + j];
                if (sq < NEAR * (na[i] + nb[j])) {
                    // Close rows: the expansion cancels, so take the difference directly (rare, d operations).
                    sq = direct(a, (aRow + i) * d, b, (bRow + j) * d, d);
                }
                out[base + j] = (float) Math.sqrt(Math.max(0, sq));
            }
        }
    }

    /**
     * Below this fraction of |a|^2 + |b|^2 a squared distance is recomputed directly: above it the expansion's
     * absolute error (about 1e-7 (|a|^2 + |b|^2) from the float32 dot) is under 1e-5 of the squared distance.
     */
    private static final double NEAR = 1e-2;

    private static double direct(float[] a, int ao, float[] b, int bo, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double x = (double) a[ao + k] - b[bo + k];
            s += x * x;
        }
        return s;
    }

    static double[] squaredNorms(float[] x, int row, int count, int d) {
        double[] s = new double[count];
        for (int r = 0; r < count; r++) {
            int o = (row + r) * d;
            double ss = 0;
            for (int k = 0; k < d; k++) {
                double v = x[o + k];
                ss += v * v;
            }
            s[r] = ss;
        }
        return s;
    }
}
