package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.results.Pair;

/**
 * Count, mean, population standard deviation, and the minimum and maximum pair of all unordered pairs. Each tile is
 * summarised in one pass (count, sum and sum of squares in double) and tiles are combined with Chan et al.'s parallel
 * formula, so the variance stays accurate over 10^9 pairs. Extreme pairs are reported by original row id; ties go to
 * the lower (i, j).
 */
public final class PairStatistics implements TileReducer<PairStatistics>, dev.cossim.results.Statistics, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] ids;
    private long count;
    private double mean;
    private double m2;
    private float min = Float.POSITIVE_INFINITY;
    private int minI = -1, minJ = -1;
    private float max = Float.NEGATIVE_INFINITY;
    private int maxI = -1, maxJ = -1;

    /** @param ids original id of each packed row */
    public PairStatistics(int[] ids) {
        this.ids = ids;
    }

    @Override
    public void accept(Tile t) {
        long n = t.pairCount();
        if (n == 0) {
            return;
        }
        final float[] v = t.values;
        double sum = 0, sumSq = 0;
        float tMin = Float.POSITIVE_INFINITY, tMax = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                float x = v[base + j];
                sum += x;
                sumSq += (double) x * x;
                tMin = Math.min(tMin, x);
                tMax = Math.max(tMax, x);
            }
        }
        addTile(t, n, sum, sumSq, tMin, tMax);
    }

    /**
     * Folds in one tile summarised as the count, sum and sum of squares of its pairs (in double: similarities are
     * bounded, so the tile's M2 = sumSq - sum^2/n loses nothing that matters), and its extreme values.
     */
    void addTile(Tile t, long n, double sum, double sumSq, float tMin, float tMax) {
        addTile(t, n, sum, sumSq, tMin, tMax, null, null);
    }

    /**
     * As above, with each tile row's minimum and maximum when known: then only the rows holding the tile's extreme are
     * searched for its pair (tiles that tie the running extreme, e.g. with duplicate rows at similarity 1, are common).
     */
    void addTile(Tile t, long n, double sum, double sumSq, float tMin, float tMax, float[] rowMin, float[] rowMax) {
        double tMean = sum / n;
        double tM2 = Math.max(0, sumSq - sum * tMean);
        combine(n, tMean, tM2);
        if (tMin <= min || tMax >= max) {
            final float[] v = t.values;
            for (int i = 0; i < t.rows; i++) {
                if (rowMin != null && rowMin[i] != tMin && rowMax[i] != tMax) {
                    continue;
                }
                int base = i * t.cols;
                for (int j = t.firstCol(i); j < t.cols; j++) {
                    float x = v[base + j];
                    if (x == tMin && x <= min) {
                        offerMin(x, ids[t.rowStart + i], ids[t.colStart + j]);
                    }
                    if (x == tMax && x >= max) {
                        offerMax(x, ids[t.rowStart + i], ids[t.colStart + j]);
                    }
                }
            }
        }
    }

    private void combine(long nB, double meanB, double m2B) {
        long nA = count;
        long nAB = nA + nB;
        double delta = meanB - mean;
        mean += delta * nB / nAB;
        m2 += m2B + delta * delta * ((double) nA * nB / nAB);
        count = nAB;
    }

    private static boolean lowerPair(int i, int j, int bi, int bj) {
        int a = Math.min(i, j), b = Math.max(i, j), c = Math.min(bi, bj), e = Math.max(bi, bj);
        return bi < 0 || a < c || (a == c && b < e);
    }

    private void offerMin(float x, int i, int j) {
        if (x < min || (x == min && lowerPair(i, j, minI, minJ))) {
            min = x;
            minI = Math.min(i, j);
            minJ = Math.max(i, j);
        }
    }

    private void offerMax(float x, int i, int j) {
        if (x > max || (x == max && lowerPair(i, j, maxI, maxJ))) {
            max = x;
            maxI = Math.min(i, j);
            maxJ = Math.max(i, j);
        }
    }

    @Override
    public void merge(PairStatistics o) {
        if (o.count == 0) {
            return;
        }
        combine(o.count, o.mean, o.m2);
        if (o.minI >= 0) {
            offerMin(o.min, o.minI, o.minJ);
        }
        if (o.maxI >= 0) {
            offerMax(o.max, o.maxI, o.maxJ);
        }
    }

    public long count() {
        return count;
    }

    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** Population standard deviation (ddof = 0) over all pairs. */
    public double std() {
        return count == 0 ? Double.NaN : Math.sqrt(m2 / count);
    }

    public Pair min() {
        return new Pair(minI, minJ, min);
    }

    public Pair max() {
        return new Pair(maxI, maxJ, max);
    }

}
