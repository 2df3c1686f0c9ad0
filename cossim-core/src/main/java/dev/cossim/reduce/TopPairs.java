package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

import java.util.Arrays;
import dev.cossim.results.Pair;

/**
 * The M best pairs of the whole run, each unordered pair once: the largest values, or the smallest with
 * {@code smallest} (the least similar pairs by cosine, or the nearest by Euclidean distance). Ties are broken by the
 * lower pair of original ids (lower i, then lower j, with i < j), so the result is the same for any split of the tiles.
 * A bounded heap whose root is the current M-th best rejects most values with one comparison. State is plain arrays.
 */
public final class TopPairs implements TileReducer<TopPairs>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] ids;
    private final int capacity;
    private final float sign;
    /** Heap of kept pairs, worst at the root; values stored multiplied by sign so larger is always better. */
    private final float[] vals;
    private final int[] is;
    private final int[] js;
    private int size;

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
        this.vals = new float[m];
        this.is = new int[m];
        this.js = new int[m];
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
                if (size < capacity || x >= vals[0]) {
                    int idJ = ids[t.colStart + j];
                    offer(x, Math.min(idI, idJ), Math.max(idI, idJ));
                }
            }
        }
    }

    /** True when (xa, ia, ja) ranks below (xb, ib, jb). */
    private static boolean worse(float xa, int ia, int ja, float xb, int ib, int jb) {
        if (xa != xb) {
            return xa < xb;
        }
        return ia != ib ? ia > ib : ja > jb;
    }

    private void offer(float x, int i, int j) {
        if (size < capacity) {
            int pos = size++;
            while (pos > 0) {
                int parent = (pos - 1) / 2;
                if (!worse(x, i, j, vals[parent], is[parent], js[parent])) {
                    break;
                }
                move(parent, pos);
                pos = parent;
            }
            put(pos, x, i, j);
            return;
        }
        if (!worse(vals[0], is[0], js[0], x, i, j)) {
            return;
        }
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && worse(vals[c + 1], is[c + 1], js[c + 1], vals[c], is[c], js[c])) {
                c++;
            }
            if (!worse(vals[c], is[c], js[c], x, i, j)) {
                break;
            }
            move(c, pos);
            pos = c;
        }
        put(pos, x, i, j);
    }

    private void move(int from, int to) {
        vals[to] = vals[from];
        is[to] = is[from];
        js[to] = js[from];
    }

    private void put(int pos, float x, int i, int j) {
        vals[pos] = x;
        is[pos] = i;
        js[pos] = j;
    }

    @Override
    public void merge(TopPairs o) {
        if (o.capacity != capacity || o.sign != sign) {
            throw new IllegalArgumentException("top-pair reducers of different shapes cannot merge");
        }
        for (int q = 0; q < o.size; q++) {
            offer(o.vals[q], o.is[q], o.js[q]);
        }
    }

    /** The kept pairs, best first (largest values, or smallest with {@code smallest}); ties by lower (i, j). */
    public Pair[] pairs() {
        Integer[] order = new Integer[size];
        Arrays.setAll(order, q -> q);
        Arrays.sort(order, (a, b) -> worse(vals[a], is[a], js[a], vals[b], is[b], js[b]) ? 1
                : worse(vals[b], is[b], js[b], vals[a], is[a], js[a]) ? -1 : 0);
        Pair[] out = new Pair[size];
        for (int q = 0; q < size; q++) {
            int p = order[q];
            out[q] = new Pair(is[p], js[p], sign * vals[p]);
        }
        return out;
    }

    public boolean smallest() {
        return sign < 0;
    }
}
