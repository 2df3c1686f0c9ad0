package dev.cossim.spark;

import dev.cossim.engine.Tile;
import dev.cossim.kernel.TileKernel;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import dev.cossim.results.Neighbors;

/**
 * What one Spark partition of panel pairs contributes: the histogram and statistics of its pairs, partial top-k
 * lists of the panels it touched, and its near-duplicate edges. Every part merges with the core's reducers, so the
 * result does not depend on how pairs were spread over tasks, nor on retried tasks (a failed attempt's partial is
 * discarded by Spark, never merged).
 */
final class AllPairsPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    final SummaryReducer summary;
    final Map<Integer, TopKNeighbors> topK = new TreeMap<>();
    final NearDuplicateEdges edges;
    // Needed only while the partial is built on its executor; not shipped with it.
    private final transient AllPairsSettings settings;

    AllPairsPartial(AllPairsSettings settings) {
        this.settings = settings;
        this.summary = new SummaryReducer(new int[0], settings.bins(), -1, 1, 0);
        this.edges = settings.nearDuplicates() ? new NearDuplicateEdges(new int[0], settings.nearDup()) : null;
    }

    /**
     * Computes every tile (I, J), I <= J, of a panel pair with the engine's blocks and tile walk. Tile coordinates
     * index the pair's rows: panel a's rows first, then panel b's (when b is another panel).
     */
    void add(PanelPair pair, TileKernel kernel) {
        Panel a = pair.a, b = pair.b;
        boolean diag = pair.diagonal();
        int[] ids = diag ? a.ids : concat(a.ids, b.ids);
        int offsetB = diag ? 0 : a.size();
        SummaryReducer s = new SummaryReducer(ids, settings.bins(), -1, 1, 0);
        TopKNeighbors top = settings.topK() > 0 ? new TopKNeighbors(ids, settings.topK()) : null;
        NearDuplicateEdges e = edges != null ? new NearDuplicateEdges(ids, settings.nearDup()) : null;
        int block = settings.block();
        int d = a.dim;
        Tile tile = new Tile(block * block);
        for (int i0 = 0; i0 < a.size(); i0 += block) {
            int rows = Math.min(block, a.size() - i0);
            for (int j0 = diag ? i0 : 0; j0 < b.size(); j0 += block) {
                int cols = Math.min(block, b.size() - j0);
                kernel.dots(a.data, i0, rows, b.data, j0, cols, d, tile.values);
                tile.rowStart = i0;
                tile.rows = rows;
                tile.colStart = offsetB + j0;
                tile.cols = cols;
                tile.diagonal = diag && i0 == j0;
                s.accept(tile);
                if (top != null) {
                    top.accept(tile);
                }
                if (e != null) {
                    e.accept(tile);
                }
            }
        }
        summary.merge(s);
        if (e != null) {
            edges.merge(e);
        }
        if (top != null) {
            split(top, a, 0);
            if (!diag) {
                split(top, b, offsetB);
            }
        }
    }

    /** Moves rows [offset, offset + panel size) of a pair's top-k into this partition's top-k of that panel. */
    private void split(TopKNeighbors pairTop, Panel panel, int offset) {
        TopKNeighbors target = topK.computeIfAbsent(panel.index, p -> new TopKNeighbors(panel.ids, settings.topK()));
        for (int r = 0; r < panel.size(); r++) {
            Neighbors nb = pairTop.neighbors(offset + r);
            for (int q = 0; q < nb.ids().length; q++) {
                target.offer(r, nb.similarities()[q], nb.ids()[q]);
            }
        }
    }

    private static int[] concat(int[] x, int[] y) {
        int[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
