package dev.cossim.reduce;

import dev.cossim.engine.BoundedTopK;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.results.Neighbors;

/**
 * The k most similar other rows of every row (self excluded; ties broken by the lower id). Each row keeps a binary
 * min-heap of size k whose root is its current k-th best, so most candidates are rejected by one comparison before
 * the heap is touched. Each unordered pair in a tile is offered to both of its rows.
 */
public final class TopKNeighbors implements TileReducer<TopKNeighbors>, dev.cossim.results.NeighborTable, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int k;
    private final int[] ids;
    /** One list per packed row: (sign * value, neighbour id), the one bounded top-k selection. */
    private final BoundedTopK heap;
    /** +1 keeps the largest values; -1 the smallest (distances): values are stored negated so one heap serves both. */
    private final float sign;
    /** kth[r] == heap.threshold(r), the current k-th best of row r, kept contiguous for vector compares. */
    private final float[] kth;

    /** @param ids original id of each packed row; neighbours are stored and reported by original id */
    public TopKNeighbors(int[] ids, int k) {
        this(ids, k, false);
    }

    /** @param smallestFirst keep the k smallest values (nearest by a distance) instead of the k largest */
    public TopKNeighbors(int[] ids, int k, boolean smallestFirst) {
        this.sign = smallestFirst ? -1f : 1f;
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1");
        }
        this.k = k;
        this.ids = ids;
        this.heap = new BoundedTopK(ids.length, k);
        this.kth = new float[ids.length];
        java.util.Arrays.fill(kth, Float.NEGATIVE_INFINITY);
    }

    /** Whether this keeps the largest values (similarities); the fused summary pass relies on it. */
    boolean keepsLargest() {
        return sign > 0;
    }

    /** Every row's current k-th best similarity: a candidate below it cannot enter that row's list. */
    float[] thresholds() {
        return kth;
    }

    int[] ids() {
        return ids;
    }

    public int k() {
        return k;
    }

    public int rows() {
        return ids.length;
    }

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        final float[] s = kth;
        final float sg = sign;
        for (int i = 0; i < t.rows; i++) {
            int ri = t.rowStart + i;
            int base = i * t.cols;
            int idI = ids[ri];
            for (int j = t.firstCol(i); j < t.cols; j++) {
                float x = sg * v[base + j];
                int rj = t.colStart + j;
                if (x >= s[ri]) {
                    offerSigned(ri, x, ids[rj]);
                }
                if (x >= s[rj]) {
                    offerSigned(rj, x, idI);
                }
            }
        }
    }

    /** Offers neighbour {@code id} with similarity (or distance) x to packed row r. */
    public void offer(int r, float x, int id) {
        offerSigned(r, sign * x, id);
    }

    /** Offers a value already multiplied by {@link #sign}: larger is always better here. */
    private void offerSigned(int r, float x, int id) {
        if (heap.offer(r, x, id)) {
            kth[r] = heap.threshold(r);
        }
    }

    @Override
    public void merge(TopKNeighbors o) {
        if (o.k != k || o.ids.length != ids.length || o.sign != sign) {
            throw new IllegalArgumentException("top-k reducers of different shapes cannot merge");
        }
        for (int r = 0; r < ids.length; r++) {
            if (heap.mergeList(o.heap, r, r)) {
                kth[r] = heap.threshold(r);
            }
        }
    }

    /** Neighbours of packed row r, best first: original ids and similarities. */
    public Neighbors neighbors(int r) {
        float[] keys = new float[k];
        long[] nb = new long[k];
        int filled = heap.sorted(r, keys, nb);
        int[] outIds = new int[filled];
        float[] outSims = new float[filled];
        for (int q = 0; q < filled; q++) {
            outIds[q] = (int) nb[q];
            outSims[q] = sign * keys[q];
        }
        return new Neighbors(ids[r], outIds, outSims);
    }
}
