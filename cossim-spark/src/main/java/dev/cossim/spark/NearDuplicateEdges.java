package dev.cossim.spark;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Every unordered pair with similarity >= a threshold, as (i, j, similarity) with original ids i < j: the edges of
 * the near-duplicate graph. Memory grows with the pairs found, never with N^2.
 */
public final class NearDuplicateEdges implements TileReducer<NearDuplicateEdges>, Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] ids;
    private final float threshold;
    private int size;
    private int[] first = new int[16];
    private int[] second = new int[16];
    private float[] sims = new float[16];

    /** @param ids original id of each packed row of the tiles this reducer sees */
    public NearDuplicateEdges(int[] ids, float threshold) {
        this.ids = ids;
        this.threshold = threshold;
    }

    @Override
    public void accept(Tile t) {
        final float[] v = t.values;
        final float th = threshold;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                if (v[base + j] >= th) {
                    add(ids[t.rowStart + i], ids[t.colStart + j], v[base + j]);
                }
            }
        }
    }

    public void add(int a, int b, float sim) {
        if (size == first.length) {
            int cap = Math.toIntExact(Math.min(Integer.MAX_VALUE - 8L, 2L * size));
            first = Arrays.copyOf(first, cap);
            second = Arrays.copyOf(second, cap);
            sims = Arrays.copyOf(sims, cap);
        }
        first[size] = Math.min(a, b);
        second[size] = Math.max(a, b);
        sims[size] = sim;
        size++;
    }

    @Override
    public void merge(NearDuplicateEdges o) {
        for (int e = 0; e < o.size; e++) {
            add(o.first[e], o.second[e], o.sims[e]);
        }
    }

    public int size() {
        return size;
    }

    public int first(int e) {
        return first[e];
    }

    public int second(int e) {
        return second[e];
    }

    public float similarity(int e) {
        return sims[e];
    }
}
