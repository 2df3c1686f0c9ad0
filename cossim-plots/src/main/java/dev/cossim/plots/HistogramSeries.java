package dev.cossim.plots;

import dev.cossim.results.Distribution;

/**
 * Counts in equal-width bins over [lo, hi] for one model or metric: the exact all-pairs histogram, or any other.
 * {@link #regroup} merges fine bins into about {@code target} display bins spanning only the occupied range, as the
 * seed's {@code hist(bins=100)} spans [min, max].
 */
public record HistogramSeries(String label, double lo, double hi, long[] counts) {

    public static HistogramSeries of(String label, Distribution h) {
        return new HistogramSeries(label, h.lo(), h.hi(), h.counts());
    }

    /** Bins values of an array (for per-row quantities: means, norms) over [min, max]. */
    public static HistogramSeries of(String label, double[] values, int bins) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!(max > min)) {
            double c = Double.isFinite(min) ? min : 0;
            min = c - 0.5;
            max = c + 0.5;
        }
        long[] counts = new long[bins];
        double scale = bins / (max - min);
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[Math.min(bins - 1, Math.max(0, (int) ((v - min) * scale)))]++;
            }
        }
        return new HistogramSeries(label, min, max, counts);
    }

    public int bins() {
        return counts.length;
    }

    public double width() {
        return (hi - lo) / counts.length;
    }

    public double edge(int i) {
        return lo + i * width();
    }

    public long total() {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /** Fine bins merged in groups so that about {@code target} bins span the first to the last non-empty bin. */
    public HistogramSeries regroup(int target) {
        int first = 0, last = counts.length - 1;
        while (first < last && counts[first] == 0) {
            first++;
        }
        while (last > first && counts[last] == 0) {
            last--;
        }
        int group = Math.max(1, (last - first + 1 + target - 1) / target);
        int out = (last - first + 1 + group - 1) / group;
        long[] c = new long[out];
        for (int b = first; b <= last; b++) {
            c[(b - first) / group] += counts[b];
        }
        return new HistogramSeries(label, edge(first), edge(first) + out * group * width(), c);
    }

    /** Density of bin i: count / (total x bin width), so the bars integrate to 1. */
    public double density(int i) {
        return counts[i] / (total() * width());
    }
}
