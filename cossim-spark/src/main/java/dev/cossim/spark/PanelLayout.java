package dev.cossim.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How all-pairs work is cut. The n usable rows (in id order) form blocks of {@code block} rows, exactly the engine's
 * blocks, so every tile is the one {@code AllPairsEngine} computes; {@code panelBlocks} consecutive blocks form a
 * panel. One task takes a pair of panels (P, Q), P <= Q, and computes their tiles (I, J) with I <= J: the upper
 * triangle of panels covers the upper triangle of tiles once. Tasks take the panel pairs largest first
 * ({@link #pairsLargestFirst}), so that the last tasks of the stage are small and the cores finish together.
 */
public final class PanelLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int rows;
    public final int block;
    public final int panelBlocks;

    public PanelLayout(int rows, int block, int panelBlocks) {
        if (block < 1 || panelBlocks < 1) {
            throw new IllegalArgumentException("block and panel blocks must be positive");
        }
        this.rows = rows;
        this.block = block;
        this.panelBlocks = panelBlocks;
    }

    public int panelRows() {
        return block * panelBlocks;
    }

    public int panels() {
        return (int) ((rows + (long) panelRows() - 1) / panelRows());
    }

    public int panelStart(int p) {
        return p * panelRows();
    }

    public int panelSize(int p) {
        return Math.min(panelRows(), rows - panelStart(p));
    }

    public int panelOf(long row) {
        return (int) (row / panelRows());
    }

    /** All panel pairs (P, Q), P <= Q, row by row. */
    public List<int[]> pairs() {
        int np = panels();
        List<int[]> out = new ArrayList<>(np * (np + 1) / 2);
        for (int p = 0; p < np; p++) {
            for (int q = p; q < np; q++) {
                out.add(new int[]{p, q});
            }
        }
        return out;
    }

    /**
     * All panel pairs in the order the tile stage's tasks take them: by row pairs, the most first (two full panels,
     * then a full panel with itself, then those with the last, shorter panel), ties row by row (so that a task's
     * neighbours in the order mostly share panel P, which an executor then reads once). Spark starts a stage's tasks
     * in partition order, so the small tasks come last and fill the cores up to the end.
     */
    public List<int[]> pairsLargestFirst() {
        List<int[]> out = new ArrayList<>(pairs());
        out.sort((x, y) -> Long.compare(pairCount(y[0], y[1]), pairCount(x[0], x[1]))); // stable: row by row within
        return out;
    }

    /** Number of unordered row pairs inside panel pair (P, Q). */
    public long pairCount(int p, int q) {
        long a = panelSize(p);
        return p == q ? a * (a - 1) / 2 : a * panelSize(q);
    }

    /** Key of a panel pair, the same on every executor. */
    public static long key(int p, int q) {
        return ((long) p << 32) | (q & 0xffffffffL);
    }

    public static int first(long key) {
        return (int) (key >>> 32);
    }

    public static int second(long key) {
        return (int) key;
    }
}
