package dev.cossim.query;

/**
 * Mean and (sample) standard deviation of vector norms, mergeable (Chan et al.'s parallel update of Welford's sums),
 * with the extremes and the count of zero vectors; vectors with NaN or infinite values are counted apart and left out.
 */
public final class NormSummary {
    private long n;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long zero;
    private long nonFinite;

    /** Adds one vector's squared norm (computed in double); a non-finite value marks a vector with NaN or infinity. */
    public void addSquared(double ss) {
        if (!Double.isFinite(ss)) {
            nonFinite++;
            return;
        }
        double x = Math.sqrt(ss);
        if (ss == 0) {
            zero++;
        }
        n++;
        double delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
        min = Math.min(min, x);
        max = Math.max(max, x);
    }

    public void merge(NormSummary o) {
        if (o.n > 0) {
            long total = n + o.n;
            double delta = o.mean - mean;
            mean += delta * o.n / total;
            m2 += o.m2 + delta * delta * n * o.n / total;
            n = total;
            min = Math.min(min, o.min);
            max = Math.max(max, o.max);
        }
        zero += o.zero;
        nonFinite += o.nonFinite;
    }

    /** Vectors counted (finite ones). */
    public long count() {
        return n;
    }

    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /** Sample standard deviation (n - 1), as torch.std and numpy.std(ddof=1) give it. */
    public double std() {
        return n < 2 ? 0 : Math.sqrt(m2 / (n - 1));
    }

    public double min() {
        return n == 0 ? Double.NaN : min;
    }

    public double max() {
        return n == 0 ? Double.NaN : max;
    }

    public long zero() {
        return zero;
    }

    public long nonFinite() {
        return nonFinite;
    }
}
