package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * Exact histogram of every unordered pair's similarity: {@code bins} equal-width bins over [lo, hi]; bin i covers
 * [lo + i*w, lo + (i+1)*w); values are clamped to [lo, hi], so hi itself falls in the last bin.
 */
public final class Histogram implements TileReducer<Histogram>, dev.cossim.results.Distribution, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final double lo;
    private final double hi;
    private final double scale;
    private final long[] counts;

    public Histogram(double lo, double hi, int bins) {
        if (bins < 1 || !(hi > lo)) {
            throw new IllegalArgumentException("need bins >= 1 and hi > lo");
        }
        this.lo = lo;
        this.hi = hi;
        this.scale = bins / (hi - lo);
        this.counts = new long[bins];
    }

    public int bin(double v) {
        int b = (int) Math.floor((v - lo) * scale);
        return b < 0 ? 0 : Math.min(b, counts.length - 1);
    }

    public void add(double v) {
        counts[bin(v)]++;
    }

    @Override
    public void accept(Tile t) {
        final long[] c = counts;
        final int last = c.length - 1;
        final float[] v = t.values;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                // Truncation equals floor for the non-negative offsets; negatives clamp to bin 0 either way.
                int b = (int) ((v[base + j] - lo) * scale);
                c[b < 0 ? 0 : (b > last ? last : b)]++;
            }
        }
    }

    /** The live counts, for the fused tile pass in this package. */
    long[] liveCounts() {
        return counts;
    }

    double scale() {
        return scale;
    }

    @Override
    public void merge(Histogram o) {
        if (o.counts.length != counts.length || o.lo != lo || o.hi != hi) {
            throw new IllegalArgumentException("histograms with different bins cannot merge");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += o.counts[i];
        }
    }

    public double lo() {
        return lo;
    }

    public double hi() {
        return hi;
    }

    public int bins() {
        return counts.length;
    }

    public long[] counts() {
        return counts.clone();
    }

    public long total() {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /** Lower edge of bin i. */
    public double edge(int i) {
        return lo + i * (hi - lo) / counts.length;
    }
}
