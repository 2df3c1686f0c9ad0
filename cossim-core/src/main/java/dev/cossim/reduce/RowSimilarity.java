package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * Per row: the sum and number of its pair values (so the mean similarity to all the rows it is paired with) and how
 * many of them reach a threshold (hubness: rows that are close to many others). Each unordered pair in a tile counts
 * for both of its rows. State is plain arrays indexed by packed row.
 */
public final class RowSimilarity implements TileReducer<RowSimilarity>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final float threshold;
    private final boolean below;
    private final double[] sums;
    private final long[] counts;
    private final long[] hits;

    /**
     * @param rows      packed rows
     * @param threshold a pair counts towards both rows' hubness when its value is >= threshold (<= with below)
     */
    public RowSimilarity(int rows, double threshold, boolean below) {
        this.threshold = (float) threshold;
        this.below = below;
        this.sums = new double[rows];
        this.counts = new long[rows];
        this.hits = new long[rows];
    }

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        final float th = threshold;
        final boolean lt = below;
        for (int i = 0; i < t.rows; i++) {
            int ri = t.rowStart + i;
            int base = i * t.cols;
            int first = t.firstCol(i);
            double rowSum = 0;
            long rowHits = 0;
            for (int j = first; j < t.cols; j++) {
                float x = v[base + j];
                int rj = t.colStart + j;
                rowSum += x;
                sums[rj] += x;
                counts[rj]++;
                if (lt ? x <= th : x >= th) {
                    rowHits++;
                    hits[rj]++;
                }
            }
            sums[ri] += rowSum;
            counts[ri] += t.cols - first;
            hits[ri] += rowHits;
        }
    }

    @Override
    public void merge(RowSimilarity o) {
        if (o.sums.length != sums.length || o.threshold != threshold || o.below != below) {
            throw new IllegalArgumentException("row-similarity reducers of different settings cannot merge");
        }
        for (int r = 0; r < sums.length; r++) {
            sums[r] += o.sums[r];
            counts[r] += o.counts[r];
            hits[r] += o.hits[r];
        }
    }

    /** Mean value of packed row r's pairs (NaN when it has none). */
    public double mean(int r) {
        return counts[r] == 0 ? Double.NaN : sums[r] / counts[r];
    }

    /** Number of pairs of packed row r. */
    public long count(int r) {
        return counts[r];
    }

    /** Number of packed row r's pairs that reach the threshold. */
    public long hubness(int r) {
        return hits[r];
    }

    public double threshold() {
        return threshold;
    }

    public int rows() {
        return sums.length;
    }
}
