package dev.cossim.reduce;

import dev.cossim.engine.BoundedTopK;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

import dev.cossim.results.Pair;

/**
 * The M best pairs of the whole run, each unordered pair once: the largest values, or the smallest with
 * {@code smallest} (the least similar pairs by cosine, or the nearest by Euclidean distance). Ties are broken by the
 * lower pair of original ids (lower i, then lower j, with i < j), so the result is the same for any split of the tiles.
 * The one bounded top-k selection ({@link BoundedTopK}, a single list) rejects most values with one comparison.
 */
public final class TopPairs implements TileReducer<TopPairs>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] ids;
    private final int capacity;
    private final float sign;
    /** One list of pairs: key sign * value (larger is always better), id (i << 32 | j) so ties go to lower (i, j). */
    private final BoundedTopK heap;

    /**
     * @param ids      original id of each packed row
     * @param m        how many pairs to keep
     * @param smallest keep the smallest values instead of the largest
     */
    public TopPairs(int[] ids, int m, boolean smallest) {
        if (m < 1) {
            throw new IllegalArgumentException("m must be >= 1");
        }
        this.ids = ids;
        this.capacity = m;
        this.sign = smallest ? -1f : 1f;
        this.heap = new BoundedTopK(1, m);
    }

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        final float sg = sign;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            int idI = ids[t.rowStart + i];
            for (int j = t.firstCol(i); j < t.cols; j++) {
                float x = sg * v[base + j];
                if (x >= heap.threshold(0)) {
                    int idJ = ids[t.colStart + j];
                    heap.offer(0, x, pairId(Math.min(idI, idJ), Math.max(idI, idJ)));
                }
            }
        }
    }

    private static long pairId(int i, int j) {
        return ((long) i << 32) | (j & 0xffffffffL);
    }

    @Override
    public void merge(TopPairs o) {
        if (o.capacity != capacity || o.sign != sign) {
            throw new IllegalArgumentException("top-pair reducers of different shapes cannot merge");
        }
        heap.merge(o.heap);
    }

    /** The kept pairs, best first (largest values, or smallest with {@code smallest}); ties by lower (i, j). */
    public Pair[] pairs() {
        float[] keys = new float[capacity];
        long[] pairs = new long[capacity];
        int n = heap.sorted(0, keys, pairs);
        Pair[] out = new Pair[n];
        for (int q = 0; q < n; q++) {
            out[q] = new Pair((int) (pairs[q] >>> 32), (int) pairs[q], sign * keys[q]);
        }
        return out;
    }

    public boolean smallest() {
        return sign < 0;
    }
}
