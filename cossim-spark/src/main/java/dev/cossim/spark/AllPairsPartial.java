package dev.cossim.spark;

import dev.cossim.analysis.Analysis;
import dev.cossim.engine.TileReducer;
import dev.cossim.kernel.TileKernel;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
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
     * Computes every tile (I, J), I <= J, of a panel pair with the core's engine (one thread: a task is one core),
     * its blocks and tile walk, and its fused summary pass (histogram, statistics and top-k in one walk over each
     * tile), as {@code cossim all-pairs} does: a panel with itself is a within run, two panels a cross run. Tile
     * coordinates index the pair's rows: panel a's rows first, then panel b's (when b is another panel).
     */
    void add(PanelPair pair, TileKernel kernel) {
        Panel a = pair.a, b = pair.b;
        boolean diag = pair.diagonal();
        int offsetB = diag ? 0 : a.size();
        List<Function<int[], ? extends TileReducer<?>>> extra = edges == null ? List.of()
                : List.of(ids -> new NearDuplicateEdges(ids, settings.nearDup()));
        Analysis.Partial p = Analysis.ofPrepared(a.rows(), diag ? null : b.rows()).histogram(settings.bins()).topK(settings.topK())
                .kernel(kernel).block(settings.block()).warmUp(true).awaitWarmUp(true).runPartial(extra);
        SummaryReducer s = p.summary();
        summary.merge(s);
        if (edges != null) {
            edges.merge(p.extra(0, NearDuplicateEdges.class));
        }
        TopKNeighbors top = s.topK();
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

}
