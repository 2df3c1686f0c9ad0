package dev.cossim.plots;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.reduce.PooledHeatmap;
import dev.cossim.reduce.SummaryReducer;

/**
 * Everything the report needs from the cosine tiles in one walk over them: histogram, statistics and top-k
 * (the standard summary) and the pooled heatmap (mean and max per block).
 */
public final class ReportReducer implements TileReducer<ReportReducer> {
    private final SummaryReducer summary;
    private final PooledHeatmap heatmap;

    public ReportReducer(int[] ids, int bins, int k, int heatmapSize) {
        this.summary = new SummaryReducer(ids, bins, -1, 1, k);
        this.heatmap = new PooledHeatmap(ids.length, Math.min(heatmapSize, ids.length));
    }

    @Override
    public void accept(Tile tile) {
        summary.accept(tile);
        heatmap.accept(tile);
    }

    @Override
    public void merge(ReportReducer o) {
        summary.merge(o.summary);
        heatmap.merge(o.heatmap);
    }

    public SummaryReducer summary() {
        return summary;
    }

    public PooledHeatmap heatmap() {
        return heatmap;
    }
}
